import Foundation
import ITIL
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Talks to a `runbook serve` REST API with a bearer token: what the CLI's commands use when they
/// are given `--server`.
struct APIClient: Sendable {
    /// The server's root, e.g. `http://127.0.0.1:8080`.
    let baseURL: URL
    let token: String

    /// One session for the process: requests reuse its connections.
    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        return URLSession(configuration: configuration)
    }()

    /// The server's JSON (incidents, runs), whose times are `2026-05-01T12:34:56.789Z`.
    static var decoder: JSONDecoder { IncidentRecordFile.makeJSONDecoder() }

    /// `path` (already percent-encoded) under the server's root with `query` (nil values left out).
    func url(_ path: String, query: [String: String?] = [:]) -> URL {
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) ?? URLComponents()
        components.percentEncodedPath = components.percentEncodedPath.trimmingSuffix("/") + path
        let items = query.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }.sorted { $0.name < $1.name }
        components.queryItems = items.isEmpty ? nil : items
        return components.url ?? baseURL.appendingPathComponent(path)
    }

    /// A request with the token, for `path`.
    func request(_ method: String, _ path: String, query: [String: String?] = [:], body: Data? = nil) -> URLRequest {
        var request = URLRequest(url: url(path, query: query))
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        return request
    }

    /// `GET path` decoded as `Value`.
    func get<Value: Decodable>(_ type: Value.Type, _ path: String, query: [String: String?] = [:]) async throws -> Value {
        let (data, _) = try await send(request("GET", path, query: query))
        return try decode(type, from: data, path: path)
    }

    /// `GET path` as text (a step's log).
    func text(_ path: String) async throws -> String {
        String(decoding: try await send(request("GET", path)).data, as: UTF8.self)
    }

    /// `POST path` with `body` as JSON, decoded as `Value`, with the status (201 and 200 can mean different things).
    func post<Value: Decodable>(_ type: Value.Type, _ path: String, body: some Encodable) async throws -> (value: Value, status: Int) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let (data, status) = try await send(request("POST", path, body: try encoder.encode(body)))
        return (try decode(type, from: data, path: path), status)
    }

    /// Sends `request`; a status of 400 or more becomes an ``APIFailure`` with the API's message.
    func send(_ request: URLRequest) async throws -> (data: Data, status: Int) {
        let url = request.url ?? baseURL
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await Self.session.data(for: request)
        } catch {
            throw APIFailure.from(error, url: baseURL)
        }
        guard let http = response as? HTTPURLResponse else { throw APIFailure.unreadable(url, reason: "not an HTTP response") }
        guard http.statusCode < 400 else { throw APIFailure.from(status: http.statusCode, body: data) }
        return (data, http.statusCode)
    }

    /// The server-sent events of `path`, as they arrive.
    func events(_ path: String) -> AsyncThrowingStream<ServerEvent, any Error> {
        var request = request("GET", path)
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        // A step may print nothing for a long time, and an approval may wait for hours.
        request.timeoutInterval = 24 * 3600
        return EventStream.open(request, baseURL: baseURL)
    }

    private func decode<Value: Decodable>(_ type: Value.Type, from data: Data, path: String) throws -> Value {
        do {
            return try Self.decoder.decode(type, from: data)
        } catch {
            throw APIFailure.unreadable(url(path), reason: "\(error)")
        }
    }
}

extension String {
    /// The string without one trailing `suffix`, if it has it.
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
