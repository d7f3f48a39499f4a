import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Plain HTTP to daemons a test started on 127.0.0.1, and free ports for them.
enum LoopbackHTTP {
    /// A status and a body; a non-2xx status is a result the caller checks, not an error.
    struct Reply: Sendable {
        let status: Int
        let body: Data

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// A session without caches or cookies, with a short timeout: a daemon that does not answer within seconds is down,
    /// and the polling caller retries.
    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 5
        configuration.connectionProxyDictionary = [:]
        return URLSession(configuration: configuration)
    }()

    /// `method url`, with a bearer token when given.
    static func request(_ url: String, method: String = "GET", token: String? = nil, body: Data? = nil) async throws -> Reply {
        guard let target = URL(string: url) else { throw URLError(.badURL) }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.httpBody = body
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await session.data(for: request)
        return Reply(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }

    /// A port nothing listens on now: bound on 127.0.0.1 port 0, read back, closed.
    ///
    /// Prometheus and Alertmanager need their ports before they start (each is in the other's configuration), so the
    /// test cannot let them pick. The kernel hands out ephemeral ports in turn, so another process taking this one in
    /// the moment before the daemon binds it is unlikely; if it happens the daemon exits and the test says so.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw PortError(call: "socket", code: errno) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw PortError(call: "bind", code: errno) }
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw PortError(call: "getsockname", code: errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A socket call that failed while looking for a free port.
    struct PortError: Error, CustomStringConvertible {
        let call: String
        let code: Int32

        var description: String { "\(call) failed looking for a free loopback port: \(String(cString: strerror(code)))" }
    }
}
