import ITIL

/// What a run reports as it goes, before its commits: live progress on the CLI, and in the server the run's event
/// stream and the output lines of `GET /api/v1/events`.
public enum RunProgress: Sendable {
    /// The run exists and waits for a worker.
    case queued(Run)
    /// It started.
    case started(Run)
    /// A step's attempt started (`attempt` counts from 1).
    case stepStarted(index: Int, step: StepRecord, attempt: Int)
    /// A line of the running step's output, with its timestamp.
    case output(index: Int, line: String)
    /// A step's attempt ended; `willRetry` when another attempt follows.
    case stepEnded(index: Int, step: StepRecord, willRetry: Bool)
    /// The run waits for someone to approve or deny a step.
    case awaitingApproval(index: Int, step: StepRecord, run: RunID)
    /// The run is over.
    case ended(Run)
    /// A shutting-down server stopped waiting on the run (for a worker or a person); the next server resumes it.
    case suspended(Run)
}
