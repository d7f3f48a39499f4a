/// What happened to one delivery; delivering never throws, it returns one of these.
public struct DeliveryOutcome: Sendable, Hashable {
    /// Whether the receiver accepted the notification.
    public var succeeded: Bool
    /// What the receiver said, e.g. "HTTP 200", "SMTP 250 2.0.0 Ok", "HTTP 500 after 3 attempts", "timeout".
    public var detail: String
    /// How many attempts were made, 1 or more.
    public var attempts: Int
    /// Time from the first attempt to the outcome, backoff included.
    public var duration: Duration

    /// Creates an outcome.
    public init(succeeded: Bool, detail: String, attempts: Int, duration: Duration) {
        self.succeeded = succeeded
        self.detail = detail
        self.attempts = attempts
        self.duration = duration
    }
}
