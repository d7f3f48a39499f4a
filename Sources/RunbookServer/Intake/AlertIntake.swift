import Escalation
import Executor
import Foundation
import ITIL
import Runbooks
import Wiki

/// The one intake every source goes through: an alert fires (open or dedup an incident, then run
/// its runbook in the background), is acknowledged, or clears.
struct AlertIntake: Sendable {
    let launcher: RunLauncher
    let registry: RunRegistry
    let wiki: WikiWatcher
    let scheduler: RunScheduler
    let metrics: ServerMetrics
    /// Silences in force; an alert that matches one opens its incident as silenced.
    var silences: SilenceBook? = nil

    /// What came of one alert.
    enum Outcome: String, Sendable {
        case opened, deduplicated, unchanged, resolved, noted, acknowledged
    }

    struct Result: Sendable {
        let outcome: Outcome
        let incident: Incident?
    }

    var store: IncidentStore { launcher.store }

    /// A firing alert: opens an incident (the matching runbook starts after this returns) or dedups
    /// into the open one. With `countingRepeats` false, a repeat commits nothing (Alertmanager
    /// re-sends firing alerts every repeat interval).
    func fire(_ alert: AlertTrigger, actor: String, countingRepeats: Bool = true) async throws -> Result {
        let library = await wiki.library
        let started = ContinuousClock.now
        let silence = silences?.match(alert.labels, at: Date()).map { Silencing(id: $0.id, comment: $0.comment) }
        let admission = try await launcher.admit(alert, library: library, actor: actor, countingRepeats: countingRepeats, silence: silence)
        let result: Result
        switch admission {
        case .deduplicated(let incident):
            result = Result(outcome: countingRepeats ? .deduplicated : .unchanged, incident: incident)
        case .noMatch(let incident, _), .silenced(let incident, _):
            metrics.recordAuditCommit(ContinuousClock.now - started)
            result = Result(outcome: .opened, incident: incident)
        case .toRun(let incident, let runbook, let commit):
            metrics.recordAuditCommit(ContinuousClock.now - started)
            await scheduler.start(runbook, at: commit, for: incident, alert: alert, actor: actor, inventory: library.inventory)
            result = Result(outcome: .opened, incident: incident)
        }
        metrics.recordIntake(source: alert.source, outcome: result.outcome.rawValue)
        return result
    }

    /// The alert `key` cleared: a work note on its open incident, which is resolved ("Resolved by
    /// caller") unless its runbook says `resolve: never`. Nothing when no incident for it is open
    /// (a re-delivery, or someone resolved it already).
    func clear(_ key: AlertKey, note: String, actor: String) async throws -> Result {
        guard let incident = store.openIncident(for: key) else {
            metrics.recordIntake(source: key.source, outcome: Outcome.unchanged.rawValue)
            return Result(outcome: .unchanged, incident: nil)
        }
        let runbook = await governingRunbook(of: incident)
        let events: [IncidentEvent]
        let outcome: Outcome
        if runbook?.resolve == .never {
            events = [.noteAdded(note + " The runbook \(runbook!.id) leaves resolving to a person.")]
            outcome = .noted
        } else {
            events = [.noteAdded(note), .transitioned(to: .resolved, code: .resolvedByCaller, notes: note)]
            outcome = .resolved
        }
        let started = ContinuousClock.now
        do {
            let updated = try await store.apply(events, to: incident.number, actor: actor)
            metrics.recordAuditCommit(ContinuousClock.now - started)
            metrics.recordIntake(source: key.source, outcome: outcome.rawValue)
            return Result(outcome: outcome, incident: updated)
        } catch is IncidentError {
            // Someone resolved or closed it between the look-up and the write.
            metrics.recordIntake(source: key.source, outcome: Outcome.unchanged.rawValue)
            return Result(outcome: .unchanged, incident: try? store.incident(incident.number))
        }
    }

    /// The runbook whose `resolve` applies to `incident`: the one its last run ran, as it was at
    /// the commit the run was pinned to (a later edit of the wiki does not change what that run
    /// promised); without a run, the one that matches it now.
    private func governingRunbook(of incident: Incident) async -> Runbook? {
        let repository = wiki.repository
        if let last = incident.runs.last, let id = RunID(parsing: last), let run = try? await registry.run(id),
           let page = try? await offThePool({ try repository.readFile(run.runbookPath, at: run.runbookCommit) }) {
            return RunbookParser.parse(page, path: run.runbookPath).runbook
        }
        return MatchDecision.chosen(labels: incident.labels, runbooks: await wiki.library.runbooks)
    }

    /// Someone acknowledged the alert `key` at its source: that is the response to its open incident (a New one moves
    /// to In Progress), with a work note; nothing when none is open or someone already responded.
    func acknowledge(_ key: AlertKey, note: String, actor: String) async throws -> Result {
        guard let incident = store.openIncident(for: key), incident.sla.respondedAt == nil else {
            metrics.recordIntake(source: key.source, outcome: Outcome.unchanged.rawValue)
            return Result(outcome: .unchanged, incident: nil)
        }
        do {
            let updated = try await store.apply([.noteAdded(note), .acknowledged], to: incident.number, actor: actor)
            metrics.recordIntake(source: key.source, outcome: Outcome.acknowledged.rawValue)
            return Result(outcome: .acknowledged, incident: updated)
        } catch is IncidentError {
            metrics.recordIntake(source: key.source, outcome: Outcome.unchanged.rawValue)
            return Result(outcome: .unchanged, incident: try? store.incident(incident.number))
        }
    }
}
