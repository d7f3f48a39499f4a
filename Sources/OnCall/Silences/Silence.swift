import Foundation
import Runbooks

/// A maintenance window: while it is active, incidents whose labels match all its matchers page nobody.
///
/// Silences come from `config/oncall.yaml` (reviewed in git) or from the API; both are this type. Matching follows
/// Alertmanager: every matcher must hold, and an absent label counts as the empty string.
public struct Silence: Sendable, Equatable, Hashable {
    /// A stable id: given by the API, or derived from the silence's content for those in git.
    public var id: String
    /// The label matchers, all of which must hold.
    public var matchers: [Matcher]
    /// When the silence begins.
    public var startsAt: Date
    /// When it ends (exclusive).
    public var endsAt: Date
    /// Who created it.
    public var createdBy: String
    /// Why (`db migration`).
    public var comment: String

    /// Creates a silence.
    public init(id: String, matchers: [Matcher], startsAt: Date, endsAt: Date, createdBy: String, comment: String) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
    }

    /// Whether `date` is inside the window.
    public func isActive(at date: Date) -> Bool {
        startsAt <= date && date < endsAt
    }

    /// Whether the silence is active at `date` and every matcher holds for `labels`.
    public func matches(labels: [String: String], at date: Date) -> Bool {
        isActive(at: date) && matchers.allSatisfy { $0.matches(labels) }
    }

    /// An id for a silence written in git: the same text gives the same id, wherever in the file it stands.
    static func contentID(matchers: [Matcher], startsAt: Date, endsAt: Date) -> String {
        let text = matchers.map(\.description).joined(separator: ",") + "|\(startsAt.timeIntervalSince1970)|\(endsAt.timeIntervalSince1970)"
        return "git-" + StableHash.hex(text)
    }
}
