import Foundation
import ITIL
import Runbooks
import Wiki

/// Runs asked for by a person (`runbook run`, `POST /api/v1/runbooks/{id}/runs`) rather than by an alert.
extension RunLauncher {
    /// Where an on-demand run is recorded: on an incident that exists, on one it opens, or on a job of its own
    /// (``JobRecord``), which pages nobody and changes no incident.
    public enum OnDemandTarget: Sendable {
        case incident(IncidentNumber)
        case open
        case job
    }

    /// A run reserved on its incident, with its parameters resolved, ready for ``runReserved(_:progress:)``.
    public struct ReservedRun: Sendable {
        public let id: RunID
        let runbook: Runbook
        let commit: ObjectID
        let plan: RunPlan
        let actor: String
    }

    /// Checks `given` against the runbook's parameters exactly as for an alert, then links a new run to its incident
    /// (opening one for `.open`, creating a job for `.job`), so the caller knows the run's id before it starts.
    ///
    /// - Throws: ``RunRefusal`` before anything is written when a value is refused; ``ExecutorError/incidentEnded(_:_:)``
    ///   for an incident that is closed or canceled.
    public func reserve(_ runbook: Runbook, at commit: ObjectID, given: [String: String], on target: OnDemandTarget, actor: String,
                        inventory: Inventory) async throws -> ReservedRun {
        let plan = try RunPlan(runbook: runbook, given: given, inventory: inventory, secrets: settings.secrets)
        let number: IncidentNumber
        switch target {
        case .job:
            let job = try await store.openJob(runbook: runbook.id, path: runbook.path, actor: actor)
            return ReservedRun(id: RunID(incident: job.number, sequence: 1), runbook: runbook, commit: commit, plan: plan, actor: actor)
        case .incident(let existing):
            let incident = try store.incident(existing)
            guard !incident.state.isFinal else { throw ExecutorError.incidentEnded(existing, incident.state) }
            number = existing
        case .open:
            let request = IncidentRequest(
                shortDescription: TextLimits.cut("\(runbook.title): run by \(actor)", to: TextLimits.shortDescription),
                description: "Opened to record a run of \(runbook.path) asked for by \(actor).", category: runbook.category,
                service: runbook.service, assignmentGroup: runbook.assignmentGroup,
                alert: AlertKey(source: "on-demand", key: UUID().uuidString))
            number = try await store.open(request, actor: actor).incident.number
        }
        let linked = try await store.linkNextRun(to: number, actor: actor)
        guard let id = RunID(parsing: linked.run) else { throw ExecutorError.unknownRun(linked.run) }
        return ReservedRun(id: id, runbook: runbook, commit: commit, plan: plan, actor: actor)
    }

    /// Runs a reserved run to its end; the incident is settled as after an alert's run.
    public func runReserved(_ reserved: ReservedRun, progress: @escaping @Sendable (RunProgress) -> Void = { _ in }) async throws -> Run {
        try await execute(reserved.plan, id: reserved.id, at: reserved.commit, actor: reserved.actor, progress: progress)
    }
}
