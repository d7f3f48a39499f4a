/// The identity of a source alert for deduplication: the source together with the key it gives the alert.
///
/// While an incident linked to a key is open, an alert with the same key adds an occurrence to that incident instead
/// of opening a new one; the store can index open incidents by this value.
public struct AlertKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Where the alert came from: `alertmanager`, `pagerduty`, `grafana`, `telemetry`, `cli`, `rest`, ….
    public var source: String
    /// The identity the source gives the alert: Alertmanager's `fingerprint`, PagerDuty's `dedup_key`, ….
    /// Compared together with ``source``, because different sources' keys share no namespace.
    public var key: String

    /// The key `key` of `source`.
    public init(source: String, key: String) {
        self.source = source
        self.key = key
    }

    /// "alertmanager/3f2a…".
    public var description: String { "\(source)/\(key)" }
}
