import Foundation

/// What one notification says: the incident it is about, why it is sent, and the links a person can act on.
///
/// Every text field may come from an alert's labels and so from outside: each channel escapes or strips it for its
/// own format (mrkdwn, HTTP headers, MIME headers, HTML, speech), never this type.
public struct NotificationMessage: Sendable, Hashable {
    /// Why the notification is sent.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Someone must act: an incident was opened or escalated to the recipient.
        case page
        /// The incident was resolved; tells those who were paged.
        case resolved
        /// A summary of several incidents (`digestItems`).
        case digest
        /// A test message sent when a person or channel is set up.
        case test
    }

    /// One line of a digest: an incident and its short description.
    public struct DigestItem: Sendable, Hashable, Codable {
        /// The incident's identifier, e.g. "INC0000042".
        public var incident: String
        /// The incident's short description.
        public var title: String

        /// Creates a digest line.
        public init(incident: String, title: String) {
            self.incident = incident
            self.title = title
        }
    }

    /// Why the notification is sent; channels word and tag it by this.
    public var kind: Kind
    /// The incident's identifier as people read it, e.g. "INC0000042".
    public var incident: String
    /// The incident's number, e.g. 42; signed links and spoken announcements use it.
    public var number: Int
    /// The incident's short description.
    public var title: String
    /// 1 (most urgent) to 5; values outside are clamped by `clampedPriority`.
    public var priority: Int
    /// The affected service, as named in the alert; may be empty.
    public var service: String
    /// The alert's labels: untrusted text, escaped by every channel.
    public var labels: [String: String]
    /// A few lines of text about the incident; plain text, never markup.
    public var summary: String
    /// The incident's page in the server.
    public var incidentURL: URL?
    /// A signed link (`SignedLink`) that acknowledges the incident for the recipient.
    public var acknowledgeURL: URL?
    /// A signed link that snoozes the incident for the recipient.
    public var snoozeURL: URL?
    /// Where the spoken announcement's WAV can be fetched.
    public var announcementURL: URL?
    /// The incidents a digest lists; empty for other kinds.
    public var digestItems: [DigestItem]
    /// Stays the same across retries and restarts so a receiver can drop duplicates.
    public var idempotencyKey: String
    /// The person (or channel) the notification is for, as named in the on-call configuration.
    public var recipient: String

    /// Creates a notification; only the incident and its description are required.
    public init(
        kind: Kind = .page,
        incident: String,
        number: Int,
        title: String,
        priority: Int = 3,
        service: String = "",
        labels: [String: String] = [:],
        summary: String = "",
        incidentURL: URL? = nil,
        acknowledgeURL: URL? = nil,
        snoozeURL: URL? = nil,
        announcementURL: URL? = nil,
        digestItems: [DigestItem] = [],
        idempotencyKey: String = UUID().uuidString,
        recipient: String = ""
    ) {
        self.kind = kind
        self.incident = incident
        self.number = number
        self.title = title
        self.priority = priority
        self.service = service
        self.labels = labels
        self.summary = summary
        self.incidentURL = incidentURL
        self.acknowledgeURL = acknowledgeURL
        self.snoozeURL = snoozeURL
        self.announcementURL = announcementURL
        self.digestItems = digestItems
        self.idempotencyKey = idempotencyKey
        self.recipient = recipient
    }

    /// The priority within 1...5, so a bad value never selects a missing mapping in a channel.
    public var clampedPriority: Int { min(max(priority, 1), 5) }

    /// Labels in a stable order (by name), so messages and tests do not depend on dictionary order.
    public var sortedLabels: [(name: String, value: String)] {
        labels.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
    }

    /// A one-line heading shared by the channels, e.g. "[P1] INC0000042 disk almost full on db1".
    public var headline: String {
        switch kind {
        case .page: "[P\(clampedPriority)] \(incident) \(title)"
        case .resolved: "[Resolved] \(incident) \(title)"
        case .digest: "Digest: \(digestItems.count) incident\(digestItems.count == 1 ? "" : "s")"
        case .test: "[Test] \(title)"
        }
    }
}
