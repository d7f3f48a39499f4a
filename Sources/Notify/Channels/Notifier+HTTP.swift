import AsyncHTTPClient
import NIOCore

extension Notifier {
    /// Sends one POST and sorts the answer into accepted, transient or permanent.
    func post(_ outgoing: OutgoingRequest) async -> AttemptResult {
        guard let scheme = outgoing.url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return .permanent("unsupported URL \(outgoing.url.absoluteString)")
        }
        var request = HTTPClientRequest(url: outgoing.url.absoluteString)
        request.method = .POST
        for header in outgoing.headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: outgoing.body))
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(retryPolicy.attemptTimeout))
            // Read (and drop) a bounded body so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return Self.classify(status: Int(response.status.code))
        } catch {
            return .transient(Self.describe(error))
        }
    }

    static func classify(status: Int) -> AttemptResult {
        let detail = "HTTP \(status)"
        switch status {
        case 200..<300: return .accepted(detail)
        // Timeouts, rate limits and server errors pass; other client errors repeat themselves.
        case 408, 425, 429, 500...: return .transient(detail)
        default: return .permanent(detail)
        }
    }

    /// A short, stable description of a transport failure.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return "timeout"
            case .connectTimeout: return "timeout connecting"
            default: return "HTTP client error: \(error)"
            }
        }
        let text = String(describing: error)
        if text.contains("connection refused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("Connection reset") || text.contains("connection reset") { return "connection reset" }
        return "connection failed: \(text.prefix(200))"
    }
}

extension TimeAmount {
    /// Converts a Swift `Duration` to NIO's nanosecond amount.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
