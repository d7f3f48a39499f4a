/// The result of one attempt, which tells the retry loop whether another attempt can help.
enum AttemptResult: Sendable {
    /// The receiver accepted; the detail is its answer.
    case accepted(String)
    /// A failure that may pass (timeout, refused connection, HTTP 5xx or 429, SMTP 4xx).
    case transient(String)
    /// A failure that another attempt repeats (HTTP 4xx, SMTP 5xx, a bad setting).
    case permanent(String)
}
