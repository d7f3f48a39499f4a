/// What a token may do. Roles form a ladder: each one may do everything the ones below it may.
///
/// - viewer: read incidents, runs and runbooks;
/// - responder: also open incidents (every intake), add notes, transition incidents, cancel runs;
/// - approver: also approve and deny steps waiting for approval;
/// - admin: everything, including token management.
public enum Role: String, Sendable, CaseIterable, Comparable, Codable {
    case viewer, responder, approver, admin

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}
