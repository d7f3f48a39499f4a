import Executor
import ITIL

/// `GET /api/v1/runs`: a page of runs, newest first, and how many match in all.
public struct RunPage: Codable, Sendable {
    public let runs: [Run]
    public let total: Int
    public let limit: Int
    public let offset: Int

    public init(runs: [Run], total: Int, limit: Int, offset: Int) {
        self.runs = runs
        self.total = total
        self.limit = limit
        self.offset = offset
    }
}

/// `POST /api/v1/runs/{id}/approve`, `/deny` and `/cancel`: the decision on record. Asking the same again
/// gets the same answer (the first decider's), and commits nothing.
public struct DecisionReply: Codable, Sendable, Equatable {
    public let run: String
    public let step: String?
    public let verdict: String
    public let by: String
    /// Whether this request recorded it (false: it was on record already).
    public let recorded: Bool?

    public init(run: String, step: String?, verdict: String, by: String, recorded: Bool) {
        self.run = run
        self.step = step
        self.verdict = verdict
        self.by = by
        self.recorded = recorded
    }
}

/// `202` to `POST /api/v1/runbooks/{id}/runs`: the run is queued; follow it at `/api/v1/runs/{run}/events`.
public struct StartedRun: Codable, Sendable {
    public let run: String
    /// The incident the run is recorded on; nil for a job's run.
    public let incident: String?
    /// The job the run is recorded on (`JOB0000007`), when it has no incident.
    public let job: String?
    public let runbook: String
    public let commit: String

    /// `owner` is the incident or job number the run hangs on.
    public init(run: String, owner: IncidentNumber, runbook: String, commit: String) {
        self.run = run
        self.incident = owner.isJob ? nil : owner.description
        self.job = owner.isJob ? owner.description : nil
        self.runbook = runbook
        self.commit = commit
    }
}
