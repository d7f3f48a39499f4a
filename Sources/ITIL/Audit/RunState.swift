/// Where a run is in its life.
public enum RunState: String, Sendable, Codable, CaseIterable {
    /// Waiting for a free worker or for its runbook's concurrency limit.
    case queued
    /// A step is running (or about to).
    case running
    /// Paused before a step with `approve=true` until someone approves or denies it.
    case awaitingApproval = "awaiting-approval"
    /// Every step that had to succeed did.
    case succeeded
    /// A step failed or timed out and its policy stopped the run.
    case failed
    /// Someone canceled it; the current step's processes were killed.
    case canceled
    /// Someone denied an approval; nothing after it ran.
    case denied
    /// The process running it died (killed, crashed, restarted); never resumed automatically.
    case interrupted
    /// It never started: a required parameter was missing or failed its pattern.
    case refused

    /// Whether the run is over.
    public var isFinal: Bool {
        switch self {
        case .queued, .running, .awaitingApproval: false
        default: true
        }
    }
}

/// Where a step is in its run.
public enum StepState: String, Sendable, Codable, CaseIterable {
    case pending
    case running
    case awaitingApproval = "awaiting-approval"
    case succeeded
    case failed
    case timedOut = "timed-out"
    case canceled
    case denied
    case skipped
    case interrupted
}
