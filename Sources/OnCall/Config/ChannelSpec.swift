/// A named team channel from `config/oncall.yaml` (`ops: { type: slack, secret: ops-slack }`), which policies notify
/// as `{ channel: ops }`.
public struct ChannelSpec: Sendable, Equatable, Hashable {
    /// How messages reach the channel; any kind of contact method except `spoken`.
    public var kind: ContactMethod.Kind

    /// Creates a channel.
    public init(kind: ContactMethod.Kind) {
        self.kind = kind
    }
}
