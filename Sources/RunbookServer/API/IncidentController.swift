import Executor
import Hummingbird
import ITIL
import RunbookAPI

/// `/api/v1/incidents`: the list, one incident, and the changes people make to one (transitions,
/// notes, acknowledging). Opening one is the intake's (``IntakeController``).
struct IncidentController: Sendable {
    let registry: RunRegistry
    let settings: ServerSettings

    func register(on api: RouterGroup<ServerContext>) {
        api.group("incidents", role: .viewer)
            .get { request, context in try await client(context).incidents(IncidentQuery(request.query)) }
            .get("{number}") { _, context in try await client(context).incident(context.incidentNumber()) }
        api.group("incidents", role: .responder)
            .post("{number}/transition") { request, context in
                let body = try await JSONBody.decode(APIBody.Transition.self, from: request, limit: settings.bodyLimit)
                return try await client(context).transition(context.incidentNumber(), body)
            }
            .post("{number}/notes") { request, context in
                let body = try await JSONBody.decode(APIBody.Note.self, from: request, limit: settings.bodyLimit)
                return try await client(context).note(context.incidentNumber(), body.text)
            }
            .post("{number}/acknowledge") { _, context in try await client(context).acknowledge(context.incidentNumber()) }
            .post("{number}/unacknowledge") { _, context in try await client(context).unacknowledge(context.incidentNumber()) }
            .post("{number}/snooze") { request, context in
                let body = try await JSONBody.decode(APIBody.Snooze.self, from: request, limit: settings.bodyLimit)
                guard let duration = DurationText.parse(body.duration), duration > 0 else {
                    throw APIError(400, code: "invalid_field", "'\(body.duration)' is not a duration (use e.g. 30m, 2h, 1d)",
                                   field: "duration")
                }
                return try await client(context).snooze(context.incidentNumber(), for: duration)
            }
    }

    private func client(_ context: ServerContext) throws -> LocalClient {
        LocalClient(registry: registry, actor: try context.actor().name)
    }
}
