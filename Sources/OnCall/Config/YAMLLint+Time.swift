import Foundation
import Runbooks
import Yams

/// The on-call files' own kinds of value: durations with a zero, date-times and time zones.
extension YAMLLint {
    /// A duration such as `0m`, `15m`, `4h`, `2d`, `1w`.
    func duration(_ node: Node, _ what: String) -> TimeInterval? {
        guard let text = string(node, what) else { return nil }
        guard let seconds = DurationText.seconds(text) else {
            let hint = Int(text) != nil ? "; give a unit, e.g. \(text)m" : ""
            error(node, "\(what): '\(text)' is not a duration (use e.g. 30s, 15m, 4h, 2d, 1w)\(hint)")
            return nil
        }
        return seconds
    }

    /// A date-time; without an offset it is read in `zone`, and with `zone == nil` an offset is required.
    func dateTime(_ node: Node, _ what: String, in zone: TimeZone?) -> Date? {
        guard let text = string(node, what) else { return nil }
        guard let parsed = LocalDateTime(parsing: text) else {
            error(node, "\(what): '\(text)' is not a date-time (use e.g. 2026-01-05T09:00)")
            return nil
        }
        guard let date = parsed.date(in: zone) else {
            error(node, "\(what): '\(text)' needs a time zone: add Z or an offset such as +01:00")
            return nil
        }
        return date
    }

    func timeZone(_ node: Node, _ what: String) -> TimeZone? {
        guard let name = string(node, what) else { return nil }
        guard let zone = TimeZone(identifier: name) else {
            error(node, "\(what): unknown time zone '\(name)' (use an IANA name such as Europe/Berlin or UTC)")
            return nil
        }
        return zone
    }
}
