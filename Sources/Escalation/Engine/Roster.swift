import Foundation
import ITIL

/// What the escalation engine asks of the on-call configuration, in its own terms: which policy an incident follows,
/// who a level pages at an instant and by which methods, and the limits that apply.
///
/// Built from the wiki's `oncall/` files (``Roster/init(_:policyName:)``); tests build one from a few lines.
public struct Roster: Sendable {
    /// One policy: its levels' waits and how many more rounds follow the first.
    public struct Policy: Sendable, Hashable {
        public var name: String
        /// Each level's wait for an acknowledgement before the next level pages.
        public var waits: [TimeInterval]
        public var repeats: Int
        /// How long after opening the first level pages (the policy's `page_after`): automation's time to fix it.
        public var pageAfter: TimeInterval

        public init(name: String, waits: [TimeInterval], repeats: Int, pageAfter: TimeInterval = 0) {
            self.name = name
            self.waits = waits
            self.repeats = repeats
            self.pageAfter = pageAfter
        }
    }

    /// One notification a level sends: to a person (or `channel:NAME`) by one method, `after` the level pages.
    public struct Page: Sendable, Hashable {
        public var recipient: String
        public var method: String
        public var after: TimeInterval

        public init(recipient: String, method: String, after: TimeInterval = 0) {
            self.recipient = recipient
            self.method = method
            self.after = after
        }
    }

    /// The policy an incident follows, or nil when it pages nobody.
    public var policy: @Sendable (Incident) -> Policy?
    /// The policy by name (an escalation already under way keeps following its own).
    public var policyNamed: @Sendable (String) -> Policy?
    /// What level `level` (from 1) of a policy sends at an instant: the schedules' on-call people, named people and
    /// channels, each person by their own notification rule.
    public var pages: @Sendable (_ policy: String, _ level: Int, _ at: Date) -> [Page]
    /// How long an acknowledgement holds before the incident pages again; nil for ever.
    public var acknowledgementTimeout: TimeInterval?
    /// More new incidents than `incidents` paging one person within `within` go out as one digest.
    public var storm: (incidents: Int, within: TimeInterval)?

    public init(policy: @escaping @Sendable (Incident) -> Policy?, policyNamed: @escaping @Sendable (String) -> Policy?,
                pages: @escaping @Sendable (String, Int, Date) -> [Page], acknowledgementTimeout: TimeInterval? = nil,
                storm: (incidents: Int, within: TimeInterval)? = nil) {
        self.policy = policy
        self.policyNamed = policyNamed
        self.pages = pages
        self.acknowledgementTimeout = acknowledgementTimeout
        self.storm = storm
    }

    /// Nobody is on call: nothing pages.
    public static let empty = Roster(policy: { _ in nil }, policyNamed: { _ in nil }, pages: { _, _, _ in [] })
}
