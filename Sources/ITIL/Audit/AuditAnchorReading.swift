import Foundation
import Wiki

/// A head of the audit branch recorded somewhere, which the branch's history must still contain: the in-repository
/// mark, the data directory's anchors (``AuditAnchor``), the head a remote copy last accepted.
public struct AuditAnchorReading: Sendable, Equatable {
    /// Where it was read, for people: `refs/runbook/verified/audit`, `data directory (written)`, `remote backup`.
    public let name: String
    /// The recorded head.
    public let commit: ObjectID
    /// When it was recorded, if known.
    public let time: Date?

    /// Whether it is a copy on another server (a remote's head), rather than a record kept here.
    public var isRemote: Bool { name.hasPrefix("remote ") }

    public init(name: String, commit: ObjectID, time: Date?) {
        self.name = name
        self.commit = commit
        self.time = time
    }

    /// The readings of the data directory's anchor of a branch: the head last written and the head last verified.
    ///
    /// - Throws: ``WikiError/unreadableAnchor(path:reason:)`` for a file that holds no head.
    public static func readings(of anchor: AuditAnchor) throws -> [AuditAnchorReading] {
        try AuditAnchor.Kind.allCases.compactMap { kind in
            try anchor.head(kind).map { AuditAnchorReading(name: "data directory (\(kind.rawValue))", commit: $0.commit, time: $0.time) }
        }
    }
}
