/// How soon and how hard to work on an incident, looked up from impact and urgency (ServiceNow's matrix).
///
/// | impact \ urgency | 1 High | 2 Medium | 3 Low |
/// |---|---|---|---|
/// | 1 High | 1 Critical | 2 High | 3 Moderate |
/// | 2 Medium | 2 High | 3 Moderate | 4 Low |
/// | 3 Low | 3 Moderate | 4 Low | 5 Planning |
public enum Priority: Int, Sendable, Hashable, Comparable, Codable, CaseIterable, CustomStringConvertible {
    /// P1: work on it now, around the clock.
    case critical = 1
    /// P2.
    case high = 2
    /// P3.
    case moderate = 3
    /// P4.
    case low = 4
    /// P5: no SLA targets by default.
    case planning = 5

    /// The priority of `impact` × `urgency`, from the matrix above.
    public init(impact: Impact, urgency: Urgency) {
        // Written out as the published table rather than a formula, so it can be checked against it by eye.
        let matrix: [[Priority]] = [
            [.critical, .high, .moderate],
            [.high, .moderate, .low],
            [.moderate, .low, .planning],
        ]
        self = matrix[impact.value - 1][urgency.value - 1]
    }

    /// "Critical", "High", "Moderate", "Low", "Planning".
    public var title: String {
        switch self {
        case .critical: "Critical"
        case .high: "High"
        case .moderate: "Moderate"
        case .low: "Low"
        case .planning: "Planning"
        }
    }

    /// "1 Critical".
    public var description: String { "\(rawValue) \(title)" }

    /// P1 first.
    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }
}
