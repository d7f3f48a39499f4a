import Foundation

/// One entry of an incident's timeline: who wrote what, when.
///
/// People and automation add ``Kind/note`` entries; the model itself adds a ``Kind/system`` entry for every change of
/// state, assignment or priority and an ``Kind/sla`` entry for every breach, so the timeline alone tells the story.
public struct WorkNote: Sendable, Hashable, Codable {
    /// What kind of entry this is.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Written by a person or by automation (a runbook step's summary).
        case note
        /// Written by the model: opened, state changes, assignment, priority changes, linked runs.
        case system
        /// Written by the model when an SLA target is breached.
        case sla
    }

    /// When the entry was made, to the millisecond.
    public var time: Date
    /// Who made it: a user name, `automation`, or the intake (`alertmanager`, `pagerduty`, …).
    public var author: String
    /// The text, Markdown allowed, any length and any characters.
    public var text: String
    /// What kind of entry this is.
    public var kind: Kind

    /// An entry; `time` is rounded to the millisecond, the precision records keep.
    public init(time: Date, author: String, text: String, kind: Kind) {
        self.time = Timestamp.rounded(time)
        self.author = author
        self.text = text
        self.kind = kind
    }
}
