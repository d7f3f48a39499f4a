import ITIL
/// Failures of the executor itself (as opposed to a step failing, which is a run's outcome).
public enum ExecutorError: Error, Sendable, CustomStringConvertible {
    /// A lock file could not be opened.
    case lockFailed(path: String, reason: String)
    /// No run with this id on the audit branch.
    case unknownRun(String)
    /// The run is over: it cannot be approved, denied or canceled any more.
    case runFinished(RunID, RunState)
    /// The run is not waiting for an approval.
    case notAwaitingApproval(RunID, RunState)
    /// Someone decided on the step already, the other way.
    case alreadyDecided(RunID, step: String, Decision)
    /// Another process runs it (it holds the run's owner lock).
    case runOwned(RunID)
    /// The runbook a run was pinned to cannot be read at its commit any more.
    case runbookGone(RunID, path: String, problem: String)
    /// The run's record on the audit branch does not parse.
    case corruptRun(path: String, problem: String)
    /// The work directory of a run could not be made.
    case workDirectory(path: String, reason: String)
    /// A run was asked for on an incident that is closed or canceled.
    case incidentEnded(IncidentNumber, IncidentState)

    public var description: String {
        switch self {
        case .lockFailed(let path, let reason): "cannot lock \(path): \(reason)"
        case .unknownRun(let id): "no run \(id)"
        case .runFinished(let id, let state): "run \(id) has already ended (\(state.rawValue))"
        case .notAwaitingApproval(let id, let state): "run \(id) is \(state.rawValue), not awaiting approval"
        case .alreadyDecided(let id, let step, let decision):
            "step \(step) of run \(id) was already \(decision.verdict == .approve ? "approved" : "denied") by \(decision.by)"
        case .runOwned(let id): "run \(id) is being run by another process"
        case .runbookGone(let id, let path, let problem): "run \(id) cannot go on: its runbook \(path) does not load at its commit: \(problem)"
        case .corruptRun(let path, let problem): "the run record \(path) does not parse: \(problem)"
        case .workDirectory(let path, let reason): "cannot make the run's work directory \(path): \(reason)"
        case .incidentEnded(let number, let state):
            "incident \(number) is \(state.rawValue): a run on it would change nothing; use --open for a new incident"
        }
    }
}
