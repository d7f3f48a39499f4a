import Foundation

/// An SLA target that was missed, as recorded on the incident (and as a ``WorkNote/Kind/sla`` entry in its timeline).
public struct SLABreach: Sendable, Hashable, Codable {
    /// Which of the two targets.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        /// Nobody responded (moved the incident out of New) in time.
        case response
        /// The incident was not resolved in time.
        case resolution

        /// "response" or "resolution".
        public var description: String { rawValue }
    }

    /// Which target was missed.
    public var kind: Kind
    /// When it was due.
    public var due: Date
    /// When the breach was noticed and recorded; at or after ``due``.
    public var recordedAt: Date

    /// A breach; times are rounded to the millisecond.
    public init(kind: Kind, due: Date, recordedAt: Date) {
        self.kind = kind
        self.due = Timestamp.rounded(due)
        self.recordedAt = Timestamp.rounded(recordedAt)
    }

    enum CodingKeys: String, CodingKey {
        case kind, due
        case recordedAt = "recorded_at"
    }
}
