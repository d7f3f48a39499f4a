/// How often and how patiently a delivery is tried.
///
/// The delay before attempt n+1 is `baseDelay * 2^(n-1)`, capped at `maximumDelay`.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, at least 1.
    public var attempts: Int
    /// The delay after the first failed attempt.
    public var baseDelay: Duration
    /// The longest delay between two attempts.
    public var maximumDelay: Duration
    /// How long one attempt may take, connecting included; a hanging receiver costs this much per attempt.
    public var attemptTimeout: Duration

    /// Creates a policy; the defaults suit a page: 3 attempts within about 40 seconds.
    public init(
        attempts: Int = 3,
        baseDelay: Duration = .seconds(1),
        maximumDelay: Duration = .seconds(30),
        attemptTimeout: Duration = .seconds(10)
    ) {
        self.attempts = max(1, attempts)
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.attemptTimeout = attemptTimeout
    }

    /// The delay to wait after failed attempt `attempt` (1-based).
    func delay(after attempt: Int) -> Duration {
        var delay = baseDelay
        for _ in 1..<max(attempt, 1) {
            delay *= 2
            if delay >= maximumDelay { return maximumDelay }
        }
        return min(delay, maximumDelay)
    }
}
