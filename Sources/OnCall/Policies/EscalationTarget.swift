/// Who one level of an escalation policy notifies.
public enum EscalationTarget: Sendable, Equatable, Hashable {
    /// A person by id.
    case person(PersonID)
    /// Whoever a schedule has on call (its fallback in a gap).
    case schedule(String)
    /// A named channel from `config/oncall.yaml`.
    case channel(String)
    /// Another policy, which takes over from here.
    case policy(String)
}
