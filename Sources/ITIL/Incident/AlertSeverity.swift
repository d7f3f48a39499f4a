/// The severity an alert arrives with (PagerDuty's four levels; Alertmanager's `severity` label), which sets the urgency
/// of the incident it opens unless the runbook or the caller sets one.
public enum AlertSeverity: String, Sendable, Hashable, Codable, CaseIterable {
    /// Urgency 1.
    case critical
    /// Urgency 2.
    case error
    /// Urgency 2.
    case warning
    /// Urgency 3.
    case info

    /// critical → 1, error and warning → 2, info → 3.
    public var urgency: Urgency {
        switch self {
        case .critical: .high
        case .error, .warning: .medium
        case .info: .low
        }
    }

    /// Reads a severity in any case, with the common aliases of Alertmanager rules and syslog: "crit", "fatal",
    /// "emergency", "alert", "page" are critical; "err" is error; "warn" is warning; "informational", "notice", "debug"
    /// and "none" are info. `nil` for anything else.
    public init?(parsing text: some StringProtocol) {
        switch TextKey.normalized(text) {
        case "critical", "crit", "fatal", "emergency", "emerg", "alert", "page": self = .critical
        case "error", "err": self = .error
        case "warning", "warn": self = .warning
        case "info", "informational", "notice", "debug", "none": self = .info
        default: return nil
        }
    }

    /// The urgency for an alert's severity text, or `nil` text when it has none.
    ///
    /// Unknown or missing severities give urgency 2 (Medium): Alertmanager's `severity` is a free-form label, and an
    /// alert whose rule author wrote something we do not know should neither page like a critical one nor wait like
    /// an informational one.
    public static func urgency(forSeverity text: String?) -> Urgency {
        text.flatMap { AlertSeverity(parsing: $0) }?.urgency ?? .medium
    }
}
