/// How long a step may run and how much of its output is kept.
public struct StepLimits: Sendable {
    /// How long the step may run before it is stopped and reported as `.timedOut`; `nil` for no limit.
    public var timeout: Duration?
    /// How long the step's process group has between SIGTERM and SIGKILL when it is stopped (timeout or cancel).
    public var gracePeriod: Duration
    /// How many bytes of the step's output the log keeps; the rest is counted and dropped.
    public var outputCap: Int

    /// Limits with no timeout, a 5 second grace period and 1 MiB of output kept, unless told otherwise.
    public init(timeout: Duration? = nil, gracePeriod: Duration = .seconds(5), outputCap: Int = 1 << 20) {
        self.timeout = timeout
        self.gracePeriod = gracePeriod
        self.outputCap = outputCap
    }
}
