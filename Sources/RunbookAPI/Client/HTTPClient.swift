import Executor
import Foundation
import ITIL
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The API of a `runbook serve` over HTTP, with a bearer token: what the CLI's commands use when they
/// are given `--server`. The server names the token as the actor.
public struct HTTPClient: RunbookClient {
    /// The server's root, e.g. `http://127.0.0.1:8080`.
    public let baseURL: URL
    public let token: String

    public init(baseURL: URL, token: String) {
        self.baseURL = baseURL
        self.token = token
    }

    /// The server records the token's name; this side does not know it.
    public var actorName: String { "the token's name" }

    /// One session for the process: requests reuse its connections.
    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        return URLSession(configuration: configuration)
    }()

    /// The server's JSON (incidents, runs), whose times are `2026-05-01T12:34:56.789Z`.
    public static var decoder: JSONDecoder { IncidentRecordFile.makeJSONDecoder() }

    // MARK: - The API

    public func openIncident(_ body: APIBody.NewIncident) async throws -> OpenedIncident {
        let (incident, status) = try await post(Incident.self, "/api/v1/incidents", body: body)
        return OpenedIncident(incident: incident, created: status == 201)
    }

    public func incidents(_ query: IncidentQuery) async throws -> IncidentPage {
        try await get(IncidentPage.self, "/api/v1/incidents", query: query.parameters)
    }

    public func incident(_ number: IncidentNumber) async throws -> Incident {
        try await get(Incident.self, "/api/v1/incidents/\(number)")
    }

    public func transition(_ number: IncidentNumber, _ body: APIBody.Transition) async throws -> Incident {
        try await post(Incident.self, "/api/v1/incidents/\(number)/transition", body: body).value
    }

    public func note(_ number: IncidentNumber, _ text: String) async throws -> Incident {
        try await post(Incident.self, "/api/v1/incidents/\(number)/notes", body: APIBody.Note(text: text)).value
    }

    public func acknowledge(_ number: IncidentNumber) async throws -> Incident {
        try await post(Incident.self, "/api/v1/incidents/\(number)/acknowledge", body: nil as APIBody.Note?).value
    }

    public func snooze(_ number: IncidentNumber, for duration: TimeInterval) async throws -> Incident {
        let body = APIBody.Snooze(duration: DurationText.format(duration))
        return try await post(Incident.self, "/api/v1/incidents/\(number)/snooze", body: body).value
    }

    public func unacknowledge(_ number: IncidentNumber) async throws -> Incident {
        try await post(Incident.self, "/api/v1/incidents/\(number)/unacknowledge", body: nil as APIBody.Note?).value
    }

    public func runs(_ query: RunQuery) async throws -> RunPage {
        try await get(RunPage.self, "/api/v1/runs", query: query.parameters)
    }

    public func run(_ id: RunID) async throws -> Run {
        try await get(Run.self, "/api/v1/runs/\(id)")
    }

    public func log(of id: RunID, step: String) async throws -> String {
        let path = "/api/v1/runs/\(id)/steps/\(step.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? step)/log"
        return String(decoding: try await send(request("GET", path)).data, as: UTF8.self)
    }

    public func decide(_ id: RunID, _ verdict: Decision.Verdict, reason: String?) async throws -> DecisionReply {
        try await post(DecisionReply.self, "/api/v1/runs/\(id)/\(verdict.rawValue)", body: APIBody.Reason(reason: reason)).value
    }

    public func events(_ query: EventQuery) async throws -> AsyncThrowingStream<EventMessage, any Error> {
        let raw = try await events("/api/v1/events", query: query.parameters, lastEventID: query.after?.description)
        let url = url("/api/v1/events")
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await event in raw where !event.data.isEmpty {
                        do {
                            continuation.yield(try Self.decoder.decode(EventMessage.self, from: Data(event.data.utf8)))
                        } catch {
                            throw TransportError.unreadable(url, reason: "\(error)")
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    // MARK: - HTTP

    /// `path` (already percent-encoded) under the server's root with `query` (nil values left out).
    public func url(_ path: String, query: [String: String?] = [:]) -> URL {
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
    public func get<Value: Decodable>(_ type: Value.Type, _ path: String, query: [String: String?] = [:]) async throws -> Value {
        let (data, _) = try await send(request("GET", path, query: query))
        return try decode(type, from: data, path: path)
    }

    /// `POST /api/v1/runbooks/{id}/runs`: a run by hand, queued on the server.
    public func startRun(_ runbook: String, _ body: APIBody.NewRun) async throws -> StartedRun {
        let path = "/api/v1/runbooks/" + (runbook.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? runbook) + "/runs"
        return try await post(StartedRun.self, path, body: body).value
    }

    /// `POST path` with `body` as JSON (none when nil), decoded as `Value`, with the status (201 and 200 can mean different things).
    func post<Value: Decodable>(_ type: Value.Type, _ path: String, body: (some Encodable)?) async throws -> (value: Value, status: Int) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let (data, status) = try await send(request("POST", path, body: try body.map { try encoder.encode($0) }))
        return (try decode(type, from: data, path: path), status)
    }

    /// Sends `request`; a status of 400 or more becomes the ``APIError`` the server sent.
    func send(_ request: URLRequest) async throws -> (data: Data, status: Int) {
        let url = request.url ?? baseURL
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await Self.session.data(for: request)
        } catch {
            throw TransportError.from(error, url: baseURL)
        }
        guard let http = response as? HTTPURLResponse else { throw TransportError.unreadable(url, reason: "not an HTTP response") }
        guard http.statusCode < 400 else { throw APIError.from(status: http.statusCode, body: data) }
        return (data, http.statusCode)
    }

    /// The server-sent events of `path`, as they arrive, once the server has answered (an error answer is thrown).
    public func events(_ path: String, query: [String: String?] = [:], lastEventID: String? = nil) async throws
        -> AsyncThrowingStream<ServerEvent, any Error> {
        var request = request("GET", path, query: query)
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        if let lastEventID { request.setValue(lastEventID, forHTTPHeaderField: "Last-Event-ID") }
        // A step may print nothing for a long time, and an approval may wait for hours.
        request.timeoutInterval = 24 * 3600
        return try await EventStream.open(request, baseURL: baseURL)
    }

    private func decode<Value: Decodable>(_ type: Value.Type, from data: Data, path: String) throws -> Value {
        do {
            return try Self.decoder.decode(type, from: data)
        } catch {
            throw TransportError.unreadable(url(path), reason: "\(error)")
        }
    }
}

extension String {
    /// The string without one trailing `suffix`, if it has it.
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
