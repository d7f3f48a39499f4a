import Foundation
import ITIL

/// What happened to one step of a run, as kept in the run's file on the audit branch.
public struct StepRecord: Sendable, Codable, Equatable {
    /// The step's id in the runbook.
    public var id: String
    /// Its heading.
    public var title: String
    /// Its fence language (`sh`, `python3` ...).
    public var language: String
    /// Where it is.
    public var state: StepState
    /// How many times it was started (1 + retries used).
    public var attempts: Int
    /// The exit status of the last attempt, when it exited.
    public var exitCode: Int32?
    /// The signal that ended the last attempt, when one did.
    public var signal: Int32?
    /// When the first attempt started and the last ended.
    public var startedAt: Date?
    public var endedAt: Date?
    /// Seconds of the last attempt.
    public var durationSeconds: Double?
    /// The log file of the last attempt on the audit branch, relative to the run's folder.
    public var log: String?
    /// Bytes of output written and dropped over the cap, in the last attempt.
    public var outputBytes: Int?
    public var droppedBytes: Int?
    /// The process group of the last attempt, while it may still run: what a later process kills if
    /// the one running the step dies.
    public var processGroup: Int32?
    /// The inventory host a remote step ran on (`host=`).
    public var host: String?
    /// Each host of a step fanned out over several (`hosts=`), in name order.
    public var hosts: [StepHostRecord]?
    /// Whether `ssh` itself failed (exit 255) on the last attempt of a one-host step, rather than the step.
    public var connectionFailed: Bool?
    /// Who approved or denied it, and why.
    public var decidedBy: String?
    public var decisionReason: String?

    /// Snake case spelled out, as in ``Run``.
    enum CodingKeys: String, CodingKey {
        case id, title, language, state, attempts, signal, log, host, hosts
        case connectionFailed = "connection_failed"
        case exitCode = "exit_code", startedAt = "started_at", endedAt = "ended_at", durationSeconds = "duration_seconds"
        case outputBytes = "output_bytes", droppedBytes = "dropped_bytes", processGroup = "process_group"
        case decidedBy = "decided_by", decisionReason = "decision_reason"
    }

    /// A step that has not started.
    public init(id: String, title: String, language: String) {
        self.id = id
        self.title = title
        self.language = language
        state = .pending
        attempts = 0
    }
}
