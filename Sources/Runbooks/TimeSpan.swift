/// A positive duration written the Go/Prometheus way: `500ms`, `30s`, `15m`, `1h30m`, `2d`.
///
/// Components are whole numbers with a unit (`ms`, `s`, `m`, `h`, `d`, `w`), largest unit first,
/// each unit at most once: the strict form catches `30` (no unit, seconds or minutes?) and `1m1h`
/// (probably a typo) instead of guessing. Zero and negative spans are rejected because every use
/// in a runbook (timeouts, retry delays) would be meaningless or dangerous with them.
/// Encoded as its canonical string (`"1h30m"`), so audit records and JSON stay readable.
public struct TimeSpan: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The length of the span in seconds (millisecond precision).
    public var seconds: Double

    /// Units from largest to smallest, in milliseconds; the order doubles as the "largest first" rule.
    static let units: [(symbol: String, milliseconds: Int64)] = [
        ("w", 604_800_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// The longest span accepted: ten years, far beyond any sensible timeout, small enough to never overflow.
    static let maximumMilliseconds: Int64 = 10 * 365 * 86_400_000

    /// Creates a span of `seconds`; the caller is responsible for it being positive.
    public init(seconds: Double) {
        self.seconds = seconds
    }

    /// Parses `1h30m`-style text; `nil` when it is empty, malformed, zero or negative.
    public init?(parsing text: String) {
        guard let milliseconds = Self.milliseconds(in: Substring(text)), milliseconds > 0 else { return nil }
        self.seconds = Double(milliseconds) / 1000
    }

    /// Canonical text, largest units first: `30s`, `15m`, `1h30m`, `500ms`; weeks are written as days.
    public var description: String {
        var remaining = Int64((seconds * 1000).rounded())
        guard remaining > 0 else { return "0s" }
        var text = ""
        for unit in Self.units where unit.symbol != "w" {
            let count = remaining / unit.milliseconds
            if count > 0 {
                text += "\(count)\(unit.symbol)"
                remaining -= count * unit.milliseconds
            }
        }
        return text
    }

    /// Decodes from the canonical string form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let span = TimeSpan(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid time span '\(text)'")
        }
        self = span
    }

    /// Encodes as the canonical string form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Sums the components of `text`, enforcing unit order and the upper bound.
    private static func milliseconds(in text: Substring) -> Int64? {
        var rest = text
        var total: Int64 = 0
        var nextUnitIndex = 0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix(while: isASCIIDigit)
            // Nine digits are plenty below the cap and keep the multiplication far from overflow.
            guard !digits.isEmpty, digits.count <= 9, let count = Int64(digits) else { return nil }
            rest = rest[digits.endIndex...] // not dropFirst(digits.count): counting Characters is O(n)
            let symbol = rest.prefix(while: isASCIILetter)
            guard let index = units.firstIndex(where: { $0.symbol == symbol }), index >= nextUnitIndex else { return nil }
            rest = rest[symbol.endIndex...]
            nextUnitIndex = index + 1
            total += count * units[index].milliseconds
            guard total <= maximumMilliseconds else { return nil }
        }
        return total
    }

    // The ASCII digits and letters are exactly the ASCII characters with `isNumber` and `isLetter`;
    // tested by code, these avoid a Unicode property lookup per character.

    /// `character.isASCII && character.isNumber`.
    private static func isASCIIDigit(_ character: Character) -> Bool {
        character.asciiValue.map { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? false
    }

    /// `character.isASCII && character.isLetter`.
    private static func isASCIILetter(_ character: Character) -> Bool {
        guard let code = character.asciiValue else { return false }
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(code) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(code)
    }
}
