import Foundation

/// Who is paged, in which order, until someone acknowledges: ordered levels, the whole run repeated up to
/// ``repeatCount`` more times.
public struct EscalationPolicy: Sendable, Equatable, Hashable {
    /// The policy's name: the stem of its file, `oncall/policies/NAME.yaml`.
    public var name: String
    /// How many more times the levels run when nobody acknowledges (0: once only).
    public var repeatCount: Int
    /// The levels, first first.
    public var levels: [EscalationLevel]
    /// How long after an incident opens its first level pages (`page_after`): a runbook gets that time to fix it, and
    /// an incident resolved, acknowledged or silenced by then pages nobody. 0: at once.
    public var pageAfter: TimeInterval

    /// Creates a policy.
    public init(name: String, repeatCount: Int = 0, levels: [EscalationLevel], pageAfter: TimeInterval = 0) {
        self.name = name
        self.repeatCount = repeatCount
        self.levels = levels
        self.pageAfter = pageAfter
    }

    /// The policies this one hands off to, directly.
    var handOffs: [String] {
        levels.flatMap(\.targets).compactMap { target in
            if case .policy(let name) = target { name } else { nil }
        }
    }
}
