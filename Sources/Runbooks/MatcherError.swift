/// Why a matcher's text is not a valid Alertmanager matcher; `message` is meant for the runbook author.
public struct MatcherError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, quoting the offending text.
    public var message: String

    /// Creates an error with `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
