import Foundation
import ITIL
import Runbooks
import Wiki

/// Runs a runbook's schedule starts (``RunbookSchedule``): each instant claimed by a job before it runs, and a failed
/// run reported as an incident, which pages as any incident does.
extension RunLauncher {
    /// Who schedules runs, in `Actor:` trailers and job records.
    public static let scheduleActor = "schedule"

    /// A scheduled instant's claimed job: its run ready to start, or refused before it could (a parameter the
    /// schedule gives no longer passes, a secret is missing), recorded as such.
    public enum ScheduledStart: Sendable {
        case reserved(ReservedRun)
        case refused(Run)
    }

    /// Claims `instant` of `runbook`'s schedule with a new job (`Scheduled-For:` on its commit); nil when a job claimed
    /// it, or a later instant, already: so no instant ever runs twice, whichever server or restart comes to it.
    public func claim(_ runbook: Runbook, schedule: RunbookSchedule, at commit: ObjectID, for instant: Date, inventory: Inventory)
        async throws -> ScheduledStart? {
        let job: JobRecord
        do {
            job = try await store.openJob(runbook: runbook.id, path: runbook.path, actor: Self.scheduleActor, scheduledFor: instant)
        } catch IncidentStoreError.alreadyScheduled {
            return nil
        }
        let id = RunID(incident: job.number, sequence: 1)
        do {
            let plan = try RunPlan(runbook: runbook, given: schedule.parameters, inventory: inventory, secrets: settings.secrets)
            return .reserved(ReservedRun(id: id, runbook: runbook, commit: commit, plan: plan, actor: Self.scheduleActor))
        } catch {
            return .refused(try await refuse(id, runbook: runbook, commit: commit, refusal: error, actor: Self.scheduleActor))
        }
    }

    /// Opens the incident that says scheduled `run` of `runbook` did not succeed, with the run's summary as a note; while
    /// one is open for this runbook's schedule, a later failure is a repeat of it (one incident, counted, paged once).
    public func reportFailure(of run: Run, runbook: Runbook) async throws -> Incident {
        var request = IncidentRequest(
            shortDescription: TextLimits.cut("Scheduled run of \(runbook.title) \(run.state.rawValue): \(run.id)", to: TextLimits.shortDescription),
            description: "The schedule of \(runbook.path) ran \(run.id) (job \(run.id.incident)), which ended \(run.state.rawValue). "
                + "`runbook runs show \(run.id)` has its steps and logs.",
            category: runbook.category, service: runbook.service, assignmentGroup: runbook.assignmentGroup,
            impact: runbook.impact.flatMap { try? Impact($0) }, urgency: runbook.urgency.flatMap { try? Urgency($0) },
            labels: ["alertname": "ScheduledRunFailed", Self.scheduleLabel: runbook.id, "job": run.id.incident.description],
            alert: AlertKey(source: Self.scheduleActor, key: runbook.id))
        request.annotations = ["summary": RunSummary.text(of: run)]
        let (incident, _) = try await store.open(request, actor: Self.scheduleActor, then: [.noteAdded(RunSummary.text(of: run))])
        return incident
    }

    /// The label naming the runbook whose schedule failed, on the incident that says so.
    public static let scheduleLabel = "scheduled_runbook"
}
