import Foundation
import ITIL

/// Where one incident's escalation stands, as its `escalation/state.json` on the audit branch says.
///
/// The engine writes it before it sends anything (``AuditEventName/paged``) and again with every outcome
/// (``AuditEventName/notified``), so a restarted server reads exactly what was planned, what went out, and when the
/// next level is due. A cycle is one pass of the policy from level 1: opening starts the first, and a reopen or a
/// withdrawn acknowledgement (by a person, a snooze's end or the acknowledgement timeout) starts the next.
public struct EscalationState: Codable, Sendable, Hashable {
    /// The policy being followed (a file stem under `oncall/policies/`).
    public var policy: String
    /// 1 for the incident's first escalation, one more for each that started over.
    public var cycle: Int
    /// When this cycle started.
    public var cycleStartedAt: Date
    /// The incident's reopen count when the cycle started: a higher one means it was reopened since.
    public var reopenCount: Int
    /// The level last paged, from 1.
    public var level: Int
    /// Which pass over the policy's levels this is: 0, then 1 ... up to the policy's `repeat`.
    public var round: Int
    /// When the next level is paged if nobody acknowledges; nil once the last level of the last round was paged.
    public var nextLevelAt: Date?
    /// Every level and round was paged and nobody acknowledged.
    public var exhausted: Bool
    /// The incident was resolved (or closed) and whoever was paged was told.
    public var resolutionNotified: Bool
    /// Every notification planned for the incident, oldest first, with its outcome once it has one.
    public var notifications: [PlannedNotification]

    enum CodingKeys: String, CodingKey {
        case policy, cycle, level, round, exhausted, notifications
        case cycleStartedAt = "cycle_started_at"
        case reopenCount = "reopen_count"
        case nextLevelAt = "next_level_at"
        case resolutionNotified = "resolution_notified"
    }

    /// The notifications of the current cycle.
    public var currentCycle: [PlannedNotification] {
        notifications.filter { $0.cycle == cycle }
    }

    /// Notifications planned but neither delivered nor failed yet.
    public var outstanding: [PlannedNotification] {
        notifications.filter { $0.outcome == nil }
    }

    /// The file's contents: JSON with sorted keys, one field per line, so `git log -p` shows what changed.
    public func encoded() -> Data {
        (try? Self.encoder.encode(self)) ?? Data()
    }

    /// Reads a state file.
    public static func decode(_ data: Data) throws -> EscalationState {
        try decoder.decode(EscalationState.self, from: data)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
