import Foundation
import ITIL
import Runbooks
import Wiki

/// Runs the runbook that matches an incident's alert, step by step, with every event committed
/// to the audit branch.
public struct RunLauncher: Sendable {
    /// Incidents, and the audit branch runs are committed to.
    public let store: IncidentStore
    public let settings: ExecutorSettings

    public init(store: IncidentStore, settings: ExecutorSettings) {
        self.store = store
        self.settings = settings
    }

    /// Opens (or dedups) the incident for `alert` and runs the runbook that matches it.
    ///
    /// Runbooks come from `library`, read at one wiki commit, which the run records. A repeat of an
    /// alert whose incident is open adds an occurrence and runs nothing.
    public func trigger(
        _ alert: AlertTrigger, library: RunbookLibrary, actor: String, silence: Silencing? = nil,
        progress: @escaping @Sendable (RunProgress) -> Void = { _ in }
    ) async throws -> TriggerResult {
        switch try await admit(alert, library: library, actor: actor, silence: silence) {
        case .deduplicated(let incident): return .deduplicated(incident)
        case .silenced(let incident, let id): return .silenced(incident, silence: id)
        case .noMatch(let incident, let decision): return .noMatch(incident, decision)
        case .toRun(let incident, let runbook, let commit):
            let run = try await self.run(
                runbook, at: commit, for: incident.number, labels: alert.labels, annotations: alert.annotations, actor: actor,
                inventory: library.inventory, progress: progress)
            return .ran(try store.incident(incident.number), run)
        }
    }

    /// Opens (or dedups) the incident for `alert` and says which runbook should run for it, without
    /// running it: the server answers the sender first and runs the runbook after.
    ///
    /// An incident no runbook matches gets a work note saying so in the same write.
    /// - Parameter countingRepeats: see ``IncidentStore/open(_:actor:countingRepeats:then:)``.
    public func admit(
        _ alert: AlertTrigger, library: RunbookLibrary, actor: String, countingRepeats: Bool = true, silence: Silencing? = nil
    ) async throws -> Admission {
        let decision = MatchDecision(labels: alert.labels, runbooks: library.runbooks)
        var followUp: [IncidentEvent] = []
        if let silence {
            followUp = [.silenced(id: silence.id, comment: silence.comment)]
        } else if decision.chosen == nil {
            let broken = library.pages.filter { $0.runbook == nil }.map(\.path)
            let skipped = broken.isEmpty ? "" : " Not considered because they have errors: \(broken.joined(separator: ", "))."
            followUp = [.noteAdded("No runbook matches this alert at wiki commit \(library.commit.short); it waits for a person.\(skipped)")]
        }
        let (incident, created) = try await store.open(
            request(for: alert, runbook: decision.chosen), actor: actor, countingRepeats: countingRepeats, then: followUp)
        guard created else { return .deduplicated(incident) }
        if let silence { return .silenced(incident, silence: silence.id) }
        guard let runbook = decision.chosen else { return .noMatch(incident, decision) }
        return .toRun(incident, runbook, commit: library.commit)
    }

    /// Runs `runbook`, read at wiki commit `commit`, for an incident; its remote steps use `inventory`, read at the same commit.
    ///
    /// A run whose parameters are refused is recorded as `refused` and nothing runs. Otherwise the
    /// incident moves to In Progress (assigned to automation) and, when every step succeeds, is
    /// resolved with "Solution provided", unless the runbook says `resolve: never`.
    public func run(
        _ runbook: Runbook, at commit: ObjectID, for incident: IncidentNumber, labels: [String: String],
        annotations: [String: String], actor: String, inventory: Inventory = .empty,
        progress: @escaping @Sendable (RunProgress) -> Void = { _ in }
    ) async throws -> Run {
        let linked = try await store.linkNextRun(to: incident, actor: actor)
        guard let id = RunID(parsing: linked.run) else { throw ExecutorError.unknownRun(linked.run) }
        let plan: RunPlan
        do {
            plan = try RunPlan(runbook: runbook, labels: labels, annotations: annotations, inventory: inventory, secrets: settings.secrets)
        } catch {
            let refused = try await refuse(id, runbook: runbook, commit: commit, refusal: error, actor: actor)
            progress(.ended(refused))
            return refused
        }
        return try await execute(plan, id: id, at: commit, actor: actor, progress: progress)
    }

    /// Runs a planned run whose id is linked to its incident.
    func execute(_ plan: RunPlan, id: RunID, at commit: ObjectID, actor: String,
                 progress: @escaping @Sendable (RunProgress) -> Void) async throws -> Run {
        let runbook = plan.runbook
        let run = Run(
            id: id, runbook: runbook.id, runbookPath: runbook.path, runbookCommit: commit, parameters: plan.parameters,
            steps: runbook.steps.map { StepRecord(id: $0.id, title: $0.title, language: $0.language) }, actor: actor,
            createdAt: Date(), owner: settings.owner)
        let execution = RunExecution(run: run, plan: plan, store: store, settings: settings, actor: actor, progress: progress)
        return try await execution.execute { Self.settlement(after: $0, runbook: runbook) }
    }

    /// Takes over `run`, whose process stopped while it waited for a worker or a person, and runs it on
    /// from where it was, with the runbook it is pinned to (`runbook`, as parsed at the run's commit).
    ///
    /// - Throws: ``ExecutorError/runOwned(_:)`` when another process has it; nothing is written then.
    public func resume(
        _ run: Run, runbook: Runbook, inventory: Inventory = .empty, progress: @escaping @Sendable (RunProgress) -> Void = { _ in }
    ) async throws -> Run {
        guard let point = run.resumePoint else { throw ExecutorError.notAwaitingApproval(run.id, run.state) }
        let plan = RunPlan(runbook: runbook, recorded: run.parameters, inventory: inventory, secrets: settings.secrets)
        let startedBefore = run.steps.contains { $0.state != .pending || $0.decidedBy != nil }
        let execution = RunExecution(
            run: run, plan: plan, store: store, settings: settings, actor: run.actor,
            resuming: .init(step: point, startedBefore: startedBefore), progress: progress)
        return try await execution.execute { Self.settlement(after: $0, runbook: runbook) }
    }

    /// The incident request for an alert, with what the matching runbook sets. An alert's texts are taken in
    /// rather than refused: a summary over the record's limit is cut, and kept whole in the description.
    private func request(for alert: AlertTrigger, runbook: Runbook?) -> IncidentRequest {
        let summary = alert.shortDescription
        let short = TextLimits.cut(summary, to: TextLimits.shortDescription)
        var description = alert.annotations["description"] ?? ""
        if short != summary { description = "Summary, in full: " + summary + (description.isEmpty ? "" : "\n\n" + description) }
        var request = IncidentRequest(
            shortDescription: short, description: TextLimits.cut(description, to: TextLimits.text),
            category: alert.assessment.category ?? runbook?.category, service: alert.assessment.service ?? runbook?.service,
            assignmentGroup: runbook?.assignmentGroup,
            impact: alert.assessment.impact ?? runbook?.impact.flatMap { try? Impact($0) },
            urgency: alert.assessment.urgency ?? runbook?.urgency.flatMap { try? Urgency($0) },
            severity: alert.labels["severity"], labels: alert.labels,
            alert: alert.key.map { AlertKey(source: alert.source, key: $0) } ?? AlertKey(source: alert.source, labels: alert.labels))
        request.annotations = alert.annotations
        return request
    }

    /// Records a refused run and says why on the incident (a job's run says it itself); nothing runs.
    func refuse(_ id: RunID, runbook: Runbook, commit: ObjectID, refusal: RunRefusal, actor: String) async throws -> Run {
        var run = Run(
            id: id, runbook: runbook.id, runbookPath: runbook.path, runbookCommit: commit, parameters: [:],
            steps: runbook.steps.map { StepRecord(id: $0.id, title: $0.title, language: $0.language) }, actor: actor,
            createdAt: Date(), owner: settings.owner)
        run.state = .refused
        run.endedAt = Date()
        run.outcome = refusal.description
        try await store.appendEvent(.init(
            name: .runRefused, subject: "run \(id) of \(runbook.id) refused", files: [RunFiles.write(run, to: RunFolder.record(of: id))],
            trailers: RunExecution.trailers(of: run), actor: actor, attachment: run), to: id.incident)
        // A job has no record to note it on: its run's outcome says it.
        if !id.incident.isJob { _ = try await store.apply(.noteAdded(refusal.description), to: id.incident, actor: actor) }
        return run
    }

    /// What the run's outcome does to its incident: resolved on success (unless the runbook leaves
    /// that to a person), a work note otherwise.
    private static func settlement(after run: Run, runbook: Runbook) -> @Sendable (Incident) -> [IncidentEvent] {
        let summary = RunSummary.text(of: run)
        let succeeded = run.state == .succeeded
        let resolve = runbook.resolve
        return { incident in
            if succeeded, resolve == .auto, incident.state == .inProgress {
                return [.transitioned(to: .resolved, code: .solutionProvided, notes: summary)]
            }
            let tail = succeeded && resolve == .never ? " The runbook leaves resolving to a person." : ""
            return [.noteAdded(summary + tail)]
        }
    }
}
