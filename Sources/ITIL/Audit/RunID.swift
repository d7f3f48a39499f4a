
/// A run of a runbook for an incident: `INC0000042-1` is the first run for INC0000042.
///
/// Runs are numbered per incident, so a new id needs no counter of its own: the incident's
/// record lists its runs, and the store hands out the next one in the same batch.
public struct RunID: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// The incident the run works on.
    public let incident: IncidentNumber
    /// 1 for the incident's first run.
    public let sequence: Int

    /// The run `sequence` of `incident`.
    public init(incident: IncidentNumber, sequence: Int) {
        self.incident = incident
        self.sequence = sequence
    }

    /// Parses `INC0000042-1`.
    public init?(parsing text: some StringProtocol) {
        guard let dash = text.lastIndex(of: "-"), let incident = IncidentNumber(parsing: text[..<dash]),
              let sequence = Int(text[text.index(after: dash)...]), sequence >= 1 else { return nil }
        self.init(incident: incident, sequence: sequence)
    }

    public var description: String { "\(incident)-\(sequence)" }

    public static func < (lhs: RunID, rhs: RunID) -> Bool {
        (lhs.incident, lhs.sequence) < (rhs.incident, rhs.sequence)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = RunID(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a run id like INC0000042-1"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
