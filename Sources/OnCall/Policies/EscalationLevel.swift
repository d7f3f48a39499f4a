import Foundation

/// One step of an escalation policy: notify its targets, then wait for an acknowledgement.
public struct EscalationLevel: Sendable, Equatable, Hashable {
    /// Who is notified, in file order.
    public var targets: [EscalationTarget]
    /// Seconds to wait for an acknowledgement before the next level (or the next repeat after the last level).
    public var wait: TimeInterval

    /// Creates a level.
    public init(targets: [EscalationTarget], wait: TimeInterval) {
        self.targets = targets
        self.wait = wait
    }
}
