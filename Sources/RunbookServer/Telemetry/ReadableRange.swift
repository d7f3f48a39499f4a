import Foundation

/// Numbers of an anomaly's text rounded for people: to the precision the expected range calls for (three significant
/// digits of its width), so a series at 2 ± 0.2 reads "1.4 to 2.6", not "1.40463 to 2.59537".
struct ReadableRange {
    /// Decimals shown.
    let decimals: Int

    init(lower: Double, upper: Double) {
        let width = abs(upper - lower)
        guard width.isFinite, width > 0 else {
            decimals = 3
            return
        }
        decimals = min(max(2 - Int(log10(width).rounded(.down)), 0), 9)
    }

    /// `value` with ``decimals`` decimals, trailing zeros dropped.
    func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
