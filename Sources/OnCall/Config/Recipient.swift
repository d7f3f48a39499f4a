/// A concrete destination of one escalation level at one instant.
public enum Recipient: Sendable, Equatable {
    /// A person, to be reached through their own notification rule.
    case person(Person)
    /// A team channel.
    case channel(name: String, ChannelSpec)
    /// Another policy that takes over: the engine runs it as an escalation of its own, from its first level, with
    /// its own waits and repeats. It is not flattened into this level because its later levels must wait for
    /// their turn; lint rejects cycles, so following hand-offs always ends.
    case policy(EscalationPolicy)
}
