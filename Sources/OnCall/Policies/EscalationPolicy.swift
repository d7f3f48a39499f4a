/// Who is paged, in which order, until someone acknowledges: ordered levels, the whole run repeated up to
/// ``repeatCount`` more times.
public struct EscalationPolicy: Sendable, Equatable, Hashable {
    /// The policy's name: the stem of its file, `oncall/policies/NAME.yaml`.
    public var name: String
    /// How many more times the levels run when nobody acknowledges (0: once only).
    public var repeatCount: Int
    /// The levels, first first.
    public var levels: [EscalationLevel]

    /// Creates a policy.
    public init(name: String, repeatCount: Int = 0, levels: [EscalationLevel]) {
        self.name = name
        self.repeatCount = repeatCount
        self.levels = levels
    }

    /// The policies this one hands off to, directly.
    var handOffs: [String] {
        levels.flatMap(\.targets).compactMap { target in
            if case .policy(let name) = target { name } else { nil }
        }
    }
}
