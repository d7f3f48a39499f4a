import Foundation
import Hummingbird
import ITIL

/// `GET /api/v1/incidents`, `GET /api/v1/incidents/{number}`, and the changes people make to one:
/// transitions and work notes.
struct IncidentRoutes: Sendable {
    let store: IncidentStore
    let authorization: Authorization
    let settings: ServerSettings

    func register(on routes: RouteRecorder) {
        routes.on("/api/v1/incidents", .get) { request, _ in try await list(request) }
        routes.on("/api/v1/incidents/{number}", .get) { request, context in
            _ = try authorization.require(.viewer, request)
            return try JSONBody.response(try await incident(context))
        }
        routes.on("/api/v1/incidents/{number}/transition", .post) { request, context in try await transition(request, context) }
        routes.on("/api/v1/incidents/{number}/notes", .post) { request, context in try await note(request, context) }
        routes.on("/api/v1/incidents/{number}/acknowledge", .post) { request, context in
            let principal = try authorization.require(.responder, request)
            return try await change(try await incident(context).number, .acknowledged, by: principal)
        }
    }

    /// Filters: `state` (comma-separated; `open` for every open state), `priority` (1-5, comma-separated),
    /// `service`, `assigned_to`, `q` (words in the short description); paging with `limit` (default 50,
    /// at most 500) and `offset`. Newest first.
    private func list(_ request: Request) async throws -> Response {
        _ = try authorization.require(.viewer, request)
        let query = request.uri.queryParameters
        let states = try query["state"].map { try Self.states(String($0)) }
        let priorities = try query["priority"].map { try Self.priorities(String($0)) }
        let service = query["service"].map(String.init)
        let assignee = query["assigned_to"].map(String.init)
        let words = query["q"].map { String($0).lowercased() }
        let paging = try Paging(query)
        let matching = await store.incidents { incident in
            (states?.contains(incident.state) ?? true)
                && (priorities?.contains(incident.priority.rawValue) ?? true)
                && (service.map { incident.service == $0 } ?? true)
                && (assignee.map { incident.assignedTo == $0 } ?? true)
                && (words.map { incident.shortDescription.lowercased().contains($0) } ?? true)
        }
        return try JSONBody.response(IncidentPage(
            incidents: paging.page(of: matching).map(IncidentSummary.init), total: matching.count, limit: paging.limit, offset: paging.offset))
    }

    private func incident(_ context: ServerContext) async throws -> Incident {
        let text = context.parameters.get("number") ?? ""
        guard let number = IncidentNumber(parsing: text) else {
            throw APIError.badRequest("'\(text)' is not an incident number (INC followed by 7 digits)", field: "number", code: "invalid_parameter")
        }
        do {
            return try await store.incident(number)
        } catch is IncidentStoreError {
            throw APIError.notFound("there is no incident \(number)")
        }
    }

    /// Body: `{"state": "resolved", "close_code": "Solution provided", "close_notes": "...", "hold_reason": "..."}`.
    private func transition(_ request: Request, _ context: ServerContext) async throws -> Response {
        let principal = try authorization.require(.responder, request)
        let current = try await incident(context)
        let body = try await JSONBody.decode(APIBody.Transition.self, from: request, limit: settings.bodyLimit)
        guard let state = IncidentState(parsing: body.state) else {
            throw APIError.badRequest("unknown state '\(body.state)'; use one of: \(IncidentState.spellings)", field: "state", code: "invalid_field")
        }
        let hold = try body.holdReason.map { text in
            guard let reason = HoldReason(parsing: text) else {
                throw APIError.badRequest("unknown hold reason '\(text)'; use one of: \(HoldReason.spellings)", field: "hold_reason",
                                          code: "invalid_field")
            }
            return reason
        }
        let code = try body.closeCode.map { text in
            guard let code = CloseCode(parsing: text) else {
                throw APIError.badRequest("unknown close code '\(text)'; use one of: \(CloseCode.spellings)", field: "close_code",
                                          code: "invalid_field")
            }
            return code
        }
        return try await change(current.number, .transitioned(to: state, reason: hold, code: code, notes: body.closeNotes), by: principal)
    }

    /// Body: `{"text": "..."}`.
    private func note(_ request: Request, _ context: ServerContext) async throws -> Response {
        let principal = try authorization.require(.responder, request)
        let current = try await incident(context)
        let body = try await JSONBody.decode(APIBody.Note.self, from: request, limit: settings.bodyLimit)
        return try await change(current.number, .noteAdded(body.text), by: principal)
    }

    /// Applies `event`; a change the incident's state does not allow is a 409 that says why.
    private func change(_ number: IncidentNumber, _ event: IncidentEvent, by principal: Principal) async throws -> Response {
        do {
            return try JSONBody.response(try await store.apply(event, to: number, actor: principal.name))
        } catch let error as IncidentError {
            throw APIError(error)
        }
    }

    struct IncidentPage: Encodable {
        let incidents: [IncidentSummary]
        let total: Int
        let limit: Int
        let offset: Int
    }

    // MARK: - Query parameters

    static func states(_ text: String) throws -> Set<IncidentState> {
        var states = Set<IncidentState>()
        for part in text.split(separator: ",") {
            if part.lowercased() == "open" {
                states.formUnion(IncidentState.allCases.filter(\.isOpen))
            } else if let state = IncidentState(parsing: part) {
                states.insert(state)
            } else {
                throw APIError.badRequest("unknown state '\(part)'; use open or one of: \(IncidentState.spellings)", field: "state",
                                          code: "invalid_parameter")
            }
        }
        return states
    }

    static func priorities(_ text: String) throws -> Set<Int> {
        Set(try text.split(separator: ",").map { part in
            guard let value = Int(part), (1...5).contains(value) else {
                throw APIError.badRequest("priority must be 1 to 5 (comma-separated), not '\(part)'", field: "priority",
                                          code: "invalid_parameter")
            }
            return value
        })
    }
}

/// An incident in a list: what a queue view shows.
struct IncidentSummary: Encodable {
    let number: String
    let shortDescription: String
    let state: String
    let priority: Int
    let impact: Int
    let urgency: Int
    let service: String?
    let assignedTo: String?
    let openedAt: String
    let updatedAt: String
    let runs: [String]

    init(_ incident: Incident) {
        number = incident.number.description
        shortDescription = incident.shortDescription
        state = incident.state.rawValue
        priority = incident.priority.rawValue
        impact = incident.impact.value
        urgency = incident.urgency.value
        service = incident.service
        assignedTo = incident.assignedTo
        openedAt = Timestamp.format(incident.openedAt)
        updatedAt = Timestamp.format(incident.updatedAt)
        runs = incident.runs
    }

    enum CodingKeys: String, CodingKey {
        case number, state, priority, impact, urgency, service, runs
        case shortDescription = "short_description"
        case assignedTo = "assigned_to"
        case openedAt = "opened_at"
        case updatedAt = "updated_at"
    }
}
