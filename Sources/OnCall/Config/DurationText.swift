import Foundation
import Runbooks

/// Durations in the on-call files: `30s`, `15m`, `4h`, `2d`, `1w` and combinations such as `1h30m`.
///
/// Runbooks' ``TimeSpan`` already parses the Go/Prometheus form; zero is added because a notification rule's
/// `after: 0m` (at once) is a meaningful delay here, where a runbook timeout of zero is not.
enum DurationText {
    static func seconds(_ text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "0" || isZero(trimmed) {
            return 0
        }
        return TimeSpan(parsing: trimmed)?.seconds
    }

    /// `0s`, `0m`, `0h`: a zero with a unit.
    private static func isZero(_ text: String) -> Bool {
        let digits = text.prefix(while: \.isNumber)
        let unit = text.dropFirst(digits.count)
        return !digits.isEmpty && digits.allSatisfy { $0 == "0" } && ["ms", "s", "m", "h", "d", "w"].contains(String(unit))
    }
}
