/// The number of a record on the audit branch, as ServiceNow writes one: a table's prefix, then at least seven digits.
/// `INC0000042` is an incident; `JOB0000007` is a job, the record of a run asked for without an incident (a run by
/// hand or on a schedule). Runs hang on either (``RunID``), so both kinds share this type and its numbering rules.
///
/// Numbers are unique and increase across restarts, each series on its own; the store hands out ``next`` of the
/// highest number it has seen. Past `INC9999999` the number simply grows an eighth digit, so numbering never runs out.
public struct IncidentNumber: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Which records a number names: its prefix.
    public enum Series: String, Sendable, Hashable, Comparable, CaseIterable {
        case incident = "INC"
        case job = "JOB"

        public static func < (lhs: Series, rhs: Series) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The numeric part: 42 for `INC0000042`. Always at least 1.
    public let value: Int
    /// Incident or job.
    public let series: Series

    /// The first number a fresh repository hands out: `INC0000001`.
    public static let first = IncidentNumber(uncheckedValue: 1, series: .incident)
    /// The first job number: `JOB0000001`.
    public static let firstJob = IncidentNumber(uncheckedValue: 1, series: .job)

    /// The number `value` of `series`, or `nil` when `value` is less than 1.
    public init?(_ value: Int, series: Series = .incident) {
        guard value >= 1 else { return nil }
        self.value = value
        self.series = series
    }

    private init(uncheckedValue: Int, series: Series) {
        self.value = uncheckedValue
        self.series = series
    }

    /// Whether this names a job rather than an incident.
    public var isJob: Bool { series == .job }

    /// Reads `INC0000042` or `JOB0000042` (the prefix in any case); `nil` for anything else.
    ///
    /// Only the canonical spelling is accepted, so that one record has one name: exactly seven digits, or more than
    /// seven without a leading zero (`INC00000042` would otherwise be a second name of `INC0000042`).
    public init?(parsing text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 10, let series = Series(rawValue: String(decoding: utf8[0..<3], as: UTF8.self).uppercased()) else { return nil }
        let digits = utf8[3...]
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        guard digits.count == 7 || digits.first != UInt8(ascii: "0") else { return nil }
        // 18 digits still fit an Int; more is not a number we would ever have handed out.
        guard digits.count <= 18, let value = Int(String(decoding: digits, as: UTF8.self)) else { return nil }
        self.init(value, series: series)
    }

    /// The number after this one.
    public var next: IncidentNumber {
        IncidentNumber(uncheckedValue: value + 1, series: series)
    }

    /// `INC0000042`.
    public var description: String {
        let digits = String(value)
        return series.rawValue + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
    }

    /// Incidents before jobs, then by the numeric part, which is also the order in which they were opened.
    public static func < (lhs: IncidentNumber, rhs: IncidentNumber) -> Bool {
        (lhs.series, lhs.value) < (rhs.series, rhs.value)
    }

    /// Decodes from the text form `"INC0000042"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let number = IncidentNumber(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an incident or job number like INC0000042, got \"\(text)\"")
        }
        self = number
    }

    /// Encodes as the text form `"INC0000042"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
