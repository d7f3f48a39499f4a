/// Impact and urgency: the two 1 High … 3 Low scales that the priority matrix crosses.
///
/// They are distinct types so one cannot be passed for the other; what they share (naming,
/// ordering, coding as a bare number checked on the way in) lives here.
public protocol ThreeStepScale: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// 1 (High), 2 (Medium) or 3 (Low).
    var value: Int { get }
    /// Validates `value`: 1, 2 or 3.
    init(_ value: Int) throws(IncidentError)
}

extension ThreeStepScale {
    /// "1 High", "2 Medium", "3 Low".
    public var description: String {
        "\(value) \(value == 1 ? "High" : value == 2 ? "Medium" : "Low")"
    }

    /// Lower numbers first, i.e. the highest first.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

    /// Decodes a number and checks that it is 1…3.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let value = try container.decode(Int.self)
        do {
            try self.init(value)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the number.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
