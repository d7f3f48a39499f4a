import Foundation

/// A source alert attached to an incident: the key that deduplicates it and how often it came.
///
/// While the incident is open, an alert with the same ``source`` and ``key`` adds an occurrence here instead of
/// opening a new incident.
public struct AlertLink: Sendable, Hashable, Codable {
    /// Where the alert came from: `alertmanager`, `pagerduty`, `grafana`, `telemetry`, `cli`, `rest`, ….
    public var source: String
    /// The identity the source gives the alert: Alertmanager's `fingerprint`, PagerDuty's `dedup_key`, ….
    ///
    /// Keys are compared together with ``source``, because different sources' keys share no namespace.
    public var key: String
    /// How many times the alert arrived while this incident was open, the first time included.
    public var occurrences: Int
    /// When it first arrived.
    public var firstSeen: Date
    /// When it last arrived.
    public var lastSeen: Date

    /// A link for an alert seen once, at `time`.
    public init(_ alert: AlertKey, at time: Date) {
        self.init(source: alert.source, key: alert.key, occurrences: 1, firstSeen: time, lastSeen: time)
    }

    /// A link with all its values; times are rounded to the millisecond.
    public init(source: String, key: String, occurrences: Int, firstSeen: Date, lastSeen: Date) {
        self.source = source
        self.key = key
        self.occurrences = occurrences
        self.firstSeen = Timestamp.rounded(firstSeen)
        self.lastSeen = Timestamp.rounded(lastSeen)
    }

    /// The dedup identity of the linked alert.
    public var alertKey: AlertKey {
        AlertKey(source: source, key: key)
    }

    enum CodingKeys: String, CodingKey {
        case source, key, occurrences
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }
}
