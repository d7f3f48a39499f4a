import Executor
import Foundation
import Hummingbird
import ITIL

/// Runs: list, one run with its steps, a step's committed log, the live event stream, and the
/// decisions people make (approve, deny, cancel).
struct RunRoutes: Sendable {
    let registry: RunRegistry
    let feed: RunFeed
    let authorization: Authorization
    let settings: ServerSettings

    func register(on routes: RouteRecorder) {
        routes.on("/api/v1/runs", .get) { request, _ in try await list(request) }
        routes.on("/api/v1/runs/{id}", .get) { request, context in
            _ = try authorization.require(.viewer, request)
            return try JSONBody.response(try run(context))
        }
        routes.on("/api/v1/runs/{id}/steps/{step}/log", .get) { request, context in try log(request, context) }
        routes.on("/api/v1/runs/{id}/events", .get) { request, context in try events(request, context) }
        routes.on("/api/v1/runs/{id}/approve", .post) { request, context in try await decide(request, context, .approve) }
        routes.on("/api/v1/runs/{id}/deny", .post) { request, context in try await decide(request, context, .deny) }
        routes.on("/api/v1/runs/{id}/cancel", .post) { request, context in try await cancel(request, context) }
    }

    /// Filters: `state` (comma-separated run states), `incident`; paging with `limit` and `offset`. Newest first.
    private func list(_ request: Request) async throws -> Response {
        _ = try authorization.require(.viewer, request)
        let query = request.uri.queryParameters
        let states = try query["state"].map { text in
            Set(try text.split(separator: ",").map { part in
                guard let state = RunState(rawValue: String(part)) else {
                    throw APIError.badRequest("unknown run state '\(part)'; use one of: "
                                              + RunState.allCases.map(\.rawValue).joined(separator: ", "), field: "state",
                                              code: "invalid_parameter")
                }
                return state
            })
        }
        let incident = try query["incident"].map { text in
            guard let number = IncidentNumber(parsing: text) else {
                throw APIError.badRequest("'\(text)' is not an incident number", field: "incident", code: "invalid_parameter")
            }
            return number
        }
        let paging = try Paging(query)
        let matching = try registry.runs().filter { run in
            (states?.contains(run.state) ?? true) && (incident.map { run.id.incident == $0 } ?? true)
        }
        return try JSONBody.response(RunPage(runs: paging.page(of: matching), total: matching.count, limit: paging.limit, offset: paging.offset))
    }

    struct RunPage: Encodable {
        let runs: [Run]
        let total: Int
        let limit: Int
        let offset: Int
    }

    private func runID(_ context: ServerContext) throws -> RunID {
        let text = context.parameters.get("id") ?? ""
        guard let id = RunID(parsing: text) else {
            throw APIError.badRequest("'\(text)' is not a run id (an incident number, a dash and a number: INC0000042-1)", field: "id",
                                      code: "invalid_parameter")
        }
        return id
    }

    private func run(_ context: ServerContext) throws -> Run {
        let id = try runID(context)
        do {
            return try registry.run(id)
        } catch ExecutorError.unknownRun {
            throw APIError.notFound("there is no run \(id)")
        }
    }

    /// The committed log of a step's last attempt, as plain text.
    private func log(_ request: Request, _ context: ServerContext) throws -> Response {
        _ = try authorization.require(.viewer, request)
        let run = try run(context)
        let stepID = context.parameters.get("step") ?? ""
        guard let index = run.steps.firstIndex(where: { $0.id == stepID }) else {
            throw APIError.notFound("run \(run.id) has no step '\(stepID)'; its steps are \(run.steps.map(\.id).joined(separator: ", "))")
        }
        guard let text = try registry.log(of: run, step: index) else {
            throw APIError.notFound("step \(stepID) of run \(run.id) has no log yet (it is \(run.steps[index].state.rawValue))")
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: - Decisions

    private func decide(_ request: Request, _ context: ServerContext, _ verdict: Decision.Verdict) async throws -> Response {
        let principal = try authorization.require(.approver, request)
        let id = try runID(context)
        let body = try await optionalBody(request)
        if verdict == .deny, body.reason?.isEmpty ?? true {
            throw APIError.badRequest("a denial needs a reason", field: "reason", code: "missing_field")
        }
        do {
            let step = try await registry.decide(id, verdict: verdict, by: principal.name, reason: body.reason)
            return try JSONBody.response(DecisionReply(run: id.description, step: step, verdict: verdict.rawValue, by: principal.name))
        } catch let error as ExecutorError {
            throw Self.translate(error)
        }
    }

    private func cancel(_ request: Request, _ context: ServerContext) async throws -> Response {
        let principal = try authorization.require(.responder, request)
        let id = try runID(context)
        let body = try await optionalBody(request)
        do {
            try await registry.cancel(id, by: principal.name, reason: body.reason)
            return try JSONBody.response(DecisionReply(run: id.description, step: nil, verdict: "cancel", by: principal.name),
                                         status: .accepted)
        } catch let error as ExecutorError {
            throw Self.translate(error)
        }
    }

    /// `{"reason": "..."}`, which may be left out entirely.
    private func optionalBody(_ request: Request) async throws -> APIBody.Reason {
        let bytes = try await JSONBody.bytes(of: request, limit: settings.bodyLimit)
        guard bytes.readableBytes > 0 else { return APIBody.Reason(reason: nil) }
        return try JSONBody.decode(APIBody.Reason.self, from: Data(bytes.readableBytesView))
    }

    static func translate(_ error: ExecutorError) -> APIError {
        switch error {
        case .unknownRun(let id): .notFound("there is no run \(id)")
        case .runFinished, .notAwaitingApproval: APIError(.conflict, code: "invalid_state", error.description)
        default: APIError(.internalServerError, code: "internal", error.description)
        }
    }

    struct DecisionReply: Encodable {
        let run: String
        let step: String?
        let verdict: String
        let by: String
    }

    // MARK: - Events

    /// Server-Sent Events: `step-started`, `output` (one per line of the running step),
    /// `step-ended`, `awaiting-approval`, then `run-ended` with the final record. A run this server
    /// is not executing is followed through its committed record instead, once a second.
    private func events(_ request: Request, _ context: ServerContext) throws -> Response {
        _ = try authorization.require(.viewer, request)
        let id = try runID(context)
        let (stream, cancel) = feed.subscribe(id)
        let live = feed.isActive(id)
        if !live { cancel() }
        let initial = try run(context)
        let registry = registry
        let body = ResponseBody { writer in
            try await writer.write(ServerSentEvent.encode("run", initial))
            if live {
                for await event in stream {
                    try await writer.write(ServerSentEvent.encode(event))
                }
            } else {
                var last = initial
                while !last.state.isFinal {
                    try await Task.sleep(for: .seconds(1))
                    let next = try registry.run(id)
                    if next != last { try await writer.write(ServerSentEvent.encode("run", next)) }
                    last = next
                }
                try await writer.write(ServerSentEvent.encode("run-ended", last))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}
