import Foundation

/// Where one notification goes: a channel and its settings.
public enum Destination: Sendable, Hashable {
    /// Our own JSON (see `WebhookPayload`), signed with HMAC-SHA256 when `signingKey` is set.
    ///
    /// `bodyTemplate`, when set, replaces the JSON body; see `WebhookTemplate` for its placeholders.
    case webhook(url: URL, signingKey: [UInt8]?, bodyTemplate: String?)
    /// A Slack incoming webhook; Mattermost's incoming webhooks take the same payload.
    case slack(url: URL)
    /// An ntfy topic: `url` is the server and topic, e.g. `https://ntfy.example.com/oncall`.
    case ntfy(url: URL, token: String?)
    /// An email to one address through an SMTP server.
    case email(to: String, smtp: SMTPSettings)
    /// A spoken announcement rendered to WAV and, if configured, played by a command.
    case spoken(SpeechSettings)

    /// The channel's name for logs and outcomes.
    public var channelName: String {
        switch self {
        case .webhook: "webhook"
        case .slack: "slack"
        case .ntfy: "ntfy"
        case .email: "email"
        case .spoken: "spoken"
        }
    }
}
