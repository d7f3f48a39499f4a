/// The number of an incident: "INC" followed by at least seven digits, as ServiceNow writes it (`INC0000042`).
///
/// Numbers are unique and increase across restarts; the store hands out ``next`` of the highest number it has seen.
/// Past `INC9999999` the number simply grows an eighth digit, so numbering never runs out.
public struct IncidentNumber: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The numeric part: 42 for `INC0000042`. Always at least 1.
    public let value: Int

    /// The first number a fresh repository hands out: `INC0000001`.
    public static let first = IncidentNumber(uncheckedValue: 1)

    /// The number `value`, or `nil` when `value` is less than 1.
    public init?(_ value: Int) {
        guard value >= 1 else { return nil }
        self.value = value
    }

    private init(uncheckedValue: Int) {
        self.value = uncheckedValue
    }

    /// Reads `INC0000042` (the prefix in any case); `nil` for anything else.
    ///
    /// Only the canonical spelling is accepted, so that one incident has one name: exactly seven digits, or more than
    /// seven without a leading zero (`INC00000042` would otherwise be a second name of `INC0000042`).
    public init?(parsing text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 10, String(decoding: utf8[0..<3], as: UTF8.self).uppercased() == "INC" else { return nil }
        let digits = utf8[3...]
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        guard digits.count == 7 || digits.first != UInt8(ascii: "0") else { return nil }
        // 18 digits still fit an Int; more is not a number we would ever have handed out.
        guard digits.count <= 18, let value = Int(String(decoding: digits, as: UTF8.self)) else { return nil }
        self.init(value)
    }

    /// The number after this one.
    public var next: IncidentNumber {
        IncidentNumber(uncheckedValue: value + 1)
    }

    /// `INC0000042`.
    public var description: String {
        let digits = String(value)
        return "INC" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
    }

    /// Orders by the numeric part, which is also the order in which incidents were opened.
    public static func < (lhs: IncidentNumber, rhs: IncidentNumber) -> Bool {
        lhs.value < rhs.value
    }

    /// Decodes from the text form `"INC0000042"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let number = IncidentNumber(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an incident number like INC0000042, got \"\(text)\"")
        }
        self = number
    }

    /// Encodes as the text form `"INC0000042"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
