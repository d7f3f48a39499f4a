import Foundation

/// One notification the engine decided to send: to whom, by which method, when, and (once known) how it went.
///
/// Its ``key`` is the idempotency key of (incident, cycle, level, round, recipient, method): it is committed before
/// the notification is sent and goes out with it (`Idempotency-Key`), so a server that restarts after sending but
/// before recording the outcome sends it again under the same key, which a receiver can drop, and never under a new one.
public struct PlannedNotification: Codable, Sendable, Hashable {
    /// What the notification says.
    public enum Kind: String, Codable, Sendable {
        /// A page: someone must acknowledge.
        case page
        /// The incident was resolved: it tells whoever was paged.
        case resolved
    }

    /// How a notification went.
    public struct Outcome: Codable, Sendable, Hashable {
        /// Whether the receiver took it (HTTP 2xx, SMTP 250, the WAV rendered).
        public var delivered: Bool
        /// What the receiver said (`HTTP 200`, `SMTP 550 5.1.1 no such user`, `timed out after 10 s`), or that it
        /// went out in a digest.
        public var detail: String
        public var attempts: Int
        public var at: Date

        public init(delivered: Bool, detail: String, attempts: Int, at: Date) {
            self.delivered = delivered
            self.detail = detail
            self.attempts = attempts
            self.at = at
        }
    }

    public var key: String
    public var kind: Kind
    public var cycle: Int
    public var level: Int
    public var round: Int
    /// The person's id, or `channel:NAME` for a channel.
    public var recipient: String
    /// The person's contact method (its name in `oncall/people.yaml`), or the channel's name.
    public var method: String
    /// When it is to be sent: the level's paging time plus the person's rule delay for this method.
    public var due: Date
    /// Held back for the recipient's digest: more new incidents than the storm limit paged them within its window.
    public var digest: Bool
    public var outcome: Outcome?

    enum CodingKeys: String, CodingKey {
        case key, kind, cycle, level, round, recipient, method, due, digest, outcome
    }

    public init(incident: String, kind: Kind, cycle: Int, level: Int, round: Int, recipient: String, method: String,
                due: Date, digest: Bool = false) {
        let stage = kind == .page ? "l\(level)/r\(round)" : kind.rawValue
        self.key = "\(incident)/c\(cycle)/\(stage)/\(recipient)/\(method)"
        self.kind = kind
        self.cycle = cycle
        self.level = level
        self.round = round
        self.recipient = recipient
        self.method = method
        self.due = due
        self.digest = digest
        self.outcome = nil
    }

    /// The person's id; nil for a channel.
    public var person: String? {
        recipient.hasPrefix(Self.channelPrefix) ? nil : recipient
    }

    /// The channel's name; nil for a person.
    public var channel: String? {
        recipient.hasPrefix(Self.channelPrefix) ? String(recipient.dropFirst(Self.channelPrefix.count)) : nil
    }

    /// How a channel recipient is written.
    public static let channelPrefix = "channel:"
}
