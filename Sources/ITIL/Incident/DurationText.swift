import Foundation

/// Durations as people write them in config files: `15m`, `4h`, `3d`, `1w`, `90s`, or combined, `1h30m`.
///
/// Units: `s`, `m`, `h`, `d` (24 h) and `w` (7 d). A bare number is refused, because whether `60` means seconds or
/// minutes is exactly the mistake an SLA file must not make silently.
public enum DurationText {
    private static let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]

    /// Seconds in `text`, or `nil` unless it is one or more `<digits><unit>` groups with a positive total.
    public static func parse(_ text: some StringProtocol) -> TimeInterval? {
        var total: TimeInterval = 0
        var digits = ""
        for character in text.trimmingCharacters(in: .whitespaces) {
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else if let unit = units[character], let value = Int(digits), digits.count <= 9 {
                total += TimeInterval(value) * unit
                digits = ""
            } else {
                return nil
            }
        }
        return digits.isEmpty && total > 0 ? total : nil
    }

    /// The shortest text for `seconds` in whole units: 900 → `15m`, 5400 → `1h30m`, 259200 → `3d`.
    public static func format(_ seconds: TimeInterval) -> String {
        var rest = Int(seconds.rounded())
        guard rest > 0 else { return "0s" }
        var text = ""
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }
}
