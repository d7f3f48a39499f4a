import Executor
import Foundation
import ITIL

/// The API in this process, on the wiki's audit branch: what the CLI uses without `--server`, and what the
/// server's routes answer with. Texts people send (a state, a close code) are checked here, once, and every
/// refusal is an ``APIError``.
public struct LocalClient: RunbookClient {
    public let store: IncidentStore
    public let registry: RunRegistry
    public let actorName: String

    /// A client acting as `actor` on `registry`'s store.
    public init(registry: RunRegistry, actor: String) {
        store = registry.store
        self.registry = registry
        actorName = actor
    }

    // MARK: - Incidents

    /// Opens an incident from the command line: the alert is the dedup key, else the labels' fingerprint.
    /// (A server's `POST /api/v1/incidents` goes through its intake, which also starts the matching runbook.)
    public func openIncident(_ body: APIBody.NewIncident) async throws -> OpenedIncident {
        let labels = body.labels ?? [:]
        let alert = body.dedupKey.map { AlertKey(source: "cli", key: $0) } ?? (labels.isEmpty ? nil : AlertKey(source: "cli", labels: labels))
        let request = IncidentRequest(
            shortDescription: body.shortDescription, description: body.description ?? "", category: body.category, service: body.service,
            impact: try Self.scale(body.impact, "impact") { try Impact($0) }, urgency: try Self.scale(body.urgency, "urgency") { try Urgency($0) },
            severity: body.severity ?? labels["severity"], labels: labels, alert: alert)
        let (incident, created) = try await answering { try await store.open(request, actor: actorName) }
        return OpenedIncident(incident: incident, created: created)
    }

    public func incidents(_ query: IncidentQuery) async throws -> IncidentPage {
        let matching = store.incidents(where: query.matches)
        return IncidentPage(incidents: query.paging.page(of: matching).map(IncidentSummary.init), total: matching.count,
                            limit: query.paging.limit, offset: query.paging.offset)
    }

    public func incident(_ number: IncidentNumber) async throws -> Incident {
        try await answering { try store.incident(number) }
    }

    public func transition(_ number: IncidentNumber, _ body: APIBody.Transition) async throws -> Incident {
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
        if state == .resolved, code != nil, body.closeNotes?.isBlank ?? true {
            throw APIError.badRequest("resolving \(number) needs close notes: what was done", field: "close_notes", code: "missing_field")
        }
        return try await apply(.transitioned(to: state, reason: hold, code: code, notes: body.closeNotes), to: number)
    }

    public func note(_ number: IncidentNumber, _ text: String) async throws -> Incident {
        try await apply(.noteAdded(text), to: number)
    }

    /// Acknowledging again after one's own acknowledgement answers the same and records nothing.
    public func acknowledge(_ number: IncidentNumber) async throws -> Incident {
        let incident = try await self.incident(number)
        if incident.acknowledgedBy == actorName, incident.state.isOpen { return incident }
        return try await apply(.acknowledged, to: number)
    }

    public func snooze(_ number: IncidentNumber, for duration: TimeInterval) async throws -> Incident {
        try await apply(.snoozed(until: Date() + duration), to: number)
    }

    public func unacknowledge(_ number: IncidentNumber) async throws -> Incident {
        try await apply(.unacknowledged, to: number)
    }

    private func apply(_ event: IncidentEvent, to number: IncidentNumber) async throws -> Incident {
        try await answering { try await store.apply(event, to: number, actor: actorName) }
    }

    // MARK: - Runs

    public func runs(_ query: RunQuery) async throws -> RunPage {
        let (runs, total) = try await answering {
            try await registry.page(of: query.incident, in: query.states, offset: query.paging.offset, limit: query.paging.limit)
        }
        return RunPage(runs: runs, total: total, limit: query.paging.limit, offset: query.paging.offset)
    }

    public func run(_ id: RunID) async throws -> Run {
        try await answering { try await registry.run(id) }
    }

    public func log(of id: RunID, step: String) async throws -> String {
        let run = try await run(id)
        guard let index = run.steps.firstIndex(where: { $0.id == step }) else {
            throw APIError.notFound("run \(id) has no step '\(step)'; its steps are \(run.steps.map(\.id).joined(separator: ", "))")
        }
        guard let text = try await answering({ try await registry.log(of: run, step: index) }) else {
            throw APIError.notFound("step \(step) of run \(id) has no log yet (it is \(run.steps[index].state.rawValue))")
        }
        return text
    }

    public func decide(_ id: RunID, _ verdict: Decision.Verdict, reason: String?) async throws -> DecisionReply {
        if verdict == .deny, reason?.isBlank ?? true {
            throw APIError.badRequest("a denial needs a reason", field: "reason", code: "missing_field")
        }
        let receipt = try await answering {
            verdict == .cancel
                ? try await registry.cancel(id, by: actorName, reason: reason)
                : try await registry.decide(id, verdict: verdict, by: actorName, reason: reason)
        }
        return DecisionReply(run: id.description, step: receipt.step, verdict: receipt.decision.verdict.rawValue, by: receipt.decision.by,
                             recorded: receipt.committed)
    }

    // MARK: - Events

    public func events(_ query: EventQuery) async throws -> AsyncThrowingStream<EventMessage, any Error> {
        let cursor = try await EventCursor(store: store, query: query)
        return AsyncThrowingStream { try await cursor.next() }
    }

    // MARK: - Errors

    /// `body`'s result, with the domain's refusals as the API's errors.
    private func answering<Value>(_ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as IncidentError {
            throw APIError(error)
        } catch let error as ExecutorError {
            throw APIError(error)
        } catch IncidentStoreError.unknownIncident(let number) {
            throw APIError.notFound("there is no incident \(number)")
        }
    }

    /// An impact or urgency of 1 to 3, or a 400 naming the field.
    private static func scale<Value>(_ value: Int?, _ field: String, _ make: (Int) throws -> Value) throws -> Value? {
        guard let value else { return nil }
        do {
            return try make(value)
        } catch {
            throw APIError.badRequest("\(field) must be \(APIBody.NewIncident.scaleValues), not \(value)", field: field, code: "invalid_field")
        }
    }
}
