/// One named way to reach a person or a channel: a webhook, speech, e-mail, ntfy, Slack or Mattermost.
///
/// Secrets (webhook URLs, tokens) are never in the wiki: a method names an entry of the secrets file instead.
public struct ContactMethod: Sendable, Equatable, Hashable {
    /// How a message is delivered, with what each kind needs.
    public enum Kind: Sendable, Equatable, Hashable {
        /// An HTTP POST to the URL stored under `secret`.
        case webhook(secret: String)
        /// Read aloud by the speech notifier (no address).
        case spoken
        /// An e-mail to `address`.
        case email(address: String)
        /// A push through ntfy: `topic` on `server` (the configured default when `nil`), with the token stored
        /// under `secret` if the topic is protected.
        case ntfy(topic: String, server: String?, secret: String?)
        /// A Slack incoming webhook whose URL is stored under `secret`.
        case slack(secret: String)
        /// A Mattermost incoming webhook whose URL is stored under `secret`.
        case mattermost(secret: String)

        /// The `type:` word of the kind.
        public var typeName: String {
            switch self {
            case .webhook: "webhook"
            case .spoken: "spoken"
            case .email: "email"
            case .ntfy: "ntfy"
            case .slack: "slack"
            case .mattermost: "mattermost"
            }
        }
    }

    /// The name notification rules refer to (`hook`, `mail`).
    public var name: String
    /// How to deliver.
    public var kind: Kind

    /// Creates a contact method.
    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}
