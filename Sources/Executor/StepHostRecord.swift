import Foundation
import ITIL

/// What happened to one host of a step fanned out over several (`hosts=role=db`): its own state, exit status,
/// duration and log, kept in the step's record.
public struct StepHostRecord: Sendable, Codable, Equatable {
    /// The inventory name.
    public var name: String
    public var state: StepState
    /// How many times the step was started on this host.
    public var attempts: Int
    public var exitCode: Int32?
    public var signal: Int32?
    /// Whether `ssh` itself failed (exit 255: no connection, a refused key, a host key that does not match) rather than the step.
    public var connectionFailed: Bool?
    public var durationSeconds: Double?
    /// The host's log file on the audit branch, relative to the run's folder.
    public var log: String?
    public var outputBytes: Int?
    public var droppedBytes: Int?

    enum CodingKeys: String, CodingKey {
        case name, state, attempts, signal, log
        case exitCode = "exit_code", connectionFailed = "connection_failed", durationSeconds = "duration_seconds"
        case outputBytes = "output_bytes", droppedBytes = "dropped_bytes"
    }

    /// A host the step has not run on yet.
    public init(name: String) {
        self.name = name
        state = .pending
        attempts = 0
    }
}
