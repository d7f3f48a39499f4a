import Foundation

/// The generic webhook's documented JSON body, version 1.
///
/// ```json
/// {"version": 1, "kind": "page", "incident": "INC0000042", "number": 42, "title": "disk almost full on db1",
///  "priority": 1, "service": "db", "labels": {"host": "db1"}, "summary": "...", "recipient": "alice",
///  "incident_url": "https://...", "acknowledge_url": "https://...", "snooze_url": "https://...",
///  "announcement_url": "https://...", "digest_items": [{"incident": "INC0000041", "title": "..."}],
///  "idempotency_key": "...", "sent_at": "2026-12-03T09:00:00Z"}
/// ```
/// Links that are not set are left out. Keys are sorted, so the same notification always gives the same bytes.
public struct WebhookPayload: Sendable, Codable, Hashable {
    public var version = 1
    public var kind: NotificationMessage.Kind
    public var incident: String
    public var number: Int
    public var title: String
    public var priority: Int
    public var service: String
    public var labels: [String: String]
    public var summary: String
    public var recipient: String
    public var incidentURL: URL?
    public var acknowledgeURL: URL?
    public var snoozeURL: URL?
    public var announcementURL: URL?
    public var digestItems: [NotificationMessage.DigestItem]
    public var idempotencyKey: String
    public var sentAt: Date

    enum CodingKeys: String, CodingKey {
        case version, kind, incident, number, title, priority, service, labels, summary, recipient
        case incidentURL = "incident_url", acknowledgeURL = "acknowledge_url", snoozeURL = "snooze_url"
        case announcementURL = "announcement_url", digestItems = "digest_items"
        case idempotencyKey = "idempotency_key", sentAt = "sent_at"
    }

    /// The payload of `message` sent at `sentAt`.
    public init(message: NotificationMessage, sentAt: Date) {
        kind = message.kind
        incident = message.incident
        number = message.number
        title = message.title
        priority = message.clampedPriority
        service = message.service
        labels = message.labels
        summary = message.summary
        recipient = message.recipient
        incidentURL = message.incidentURL
        acknowledgeURL = message.acknowledgeURL
        snoozeURL = message.snoozeURL
        announcementURL = message.announcementURL
        digestItems = message.digestItems
        idempotencyKey = message.idempotencyKey
        self.sentAt = sentAt
    }

    /// The JSON bytes as sent.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(self))
    }
}
