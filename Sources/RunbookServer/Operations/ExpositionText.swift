import Foundation

/// Prometheus text exposition written by hand: `# HELP`, `# TYPE`, samples with escaped label values.
struct ExpositionText {
    private(set) var lines = ""

    mutating func family(_ name: String, _ type: String, _ help: String) {
        lines += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        let rendered = labels.map { "\($0.0)=\"\(Self.escaped($0.1))\"" }.joined(separator: ",")
        lines += name + (labels.isEmpty ? "" : "{\(rendered)}") + " \(Self.number(value))\n"
    }

    /// Label values may hold anything an alert sent: `\`, `"` and newlines are escaped as the format requires.
    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Whole numbers without a fraction, the rest to the millisecond.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.3f", value)
    }
}
