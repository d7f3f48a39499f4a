import Foundation

/// One step of a person's notification rule: use contact method `contact`, `after` seconds from the page.
///
/// Steps are kept in file order; the notifier runs each at its delay until the incident is acknowledged, so a
/// person can ask for a webhook at once and an e-mail five minutes later.
public struct NotificationRule: Sendable, Equatable, Hashable {
    /// The name of one of the person's contact methods.
    public var contact: String
    /// The delay from the page, in seconds (0 for at once).
    public var after: TimeInterval

    /// Creates a step.
    public init(contact: String, after: TimeInterval) {
        self.contact = contact
        self.after = after
    }
}
