/// How soon an incident must be dealt with: 1 High (now) … 3 Low (it can wait).
///
/// Together with ``Impact`` it gives the ``Priority``. Values outside 1…3 are refused, so a record never holds one.
public struct Urgency: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// 1 (High), 2 (Medium) or 3 (Low).
    public let value: Int

    /// Urgency 1: the business cannot wait; alerts of severity critical.
    public static let high = Urgency(checked: 1)
    /// Urgency 2: needs attention soon; severity error or warning.
    public static let medium = Urgency(checked: 2)
    /// Urgency 3: can wait; severity info.
    public static let low = Urgency(checked: 3)

    /// Validates `value`; throws ``IncidentError/urgencyOutOfRange(_:)`` unless it is 1, 2 or 3.
    public init(_ value: Int) throws(IncidentError) {
        guard (1...3).contains(value) else { throw .urgencyOutOfRange(value) }
        self.value = value
    }

    private init(checked value: Int) {
        self.value = value
    }

    /// "1 High", "2 Medium", "3 Low".
    public var description: String {
        "\(value) \(ScaleName.of(value))"
    }

    /// Lower numbers first, i.e. the most urgent first.
    public static func < (lhs: Urgency, rhs: Urgency) -> Bool { lhs.value < rhs.value }

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

