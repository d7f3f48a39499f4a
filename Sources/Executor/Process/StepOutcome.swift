import Foundation

/// What happened when a step ran: how it ended, its output as a timestamped log, and how long it took.
///
/// A step that fails, times out or is canceled still has an outcome; only a step that could not start
/// at all is an error (`StepLaunchError`).
public struct StepOutcome: Sendable {
    /// How the process ended.
    public var termination: StepTermination
    /// The output, stdout and stderr together in the order written, one line per line of output, each prefixed
    /// with the time since the start (see `StepProcess` for the format). Ends with a newline unless empty.
    public var log: String
    /// Every byte the step wrote, kept or dropped.
    public var outputBytes: Int
    /// The bytes past the output cap that the log left out.
    public var droppedBytes: Int
    /// When the process was started.
    public var startedAt: Date
    /// From the start until the process and its group were gone and the output was read.
    public var duration: Duration
    /// The process id of the step, which is also the id of its process group; 0 if it never started
    /// (canceled before the start).
    public var processID: Int32

    /// Whether the step exited with status 0.
    public var succeeded: Bool { termination == .exited(0) }

    /// An outcome with these values, e.g. for a test double of the runner.
    public init(termination: StepTermination, log: String, outputBytes: Int, droppedBytes: Int, startedAt: Date, duration: Duration,
                processID: Int32 = 0) {
        self.termination = termination
        self.log = log
        self.outputBytes = outputBytes
        self.droppedBytes = droppedBytes
        self.startedAt = startedAt
        self.duration = duration
        self.processID = processID
    }
}
