import Foundation

/// An ITIL incident record, with ServiceNow's fields: the unit the audit branch stores, one file per incident.
///
/// A record changes only through ``apply(_:at:actor:)``, which enforces the state machine and writes the timeline;
/// the properties are settable so that stores and tests can build records, but code that changes an incident's
/// course should go through events, or the timeline will not tell what happened.
public struct Incident: Sendable, Hashable {
    /// `INC0000042`.
    public var number: IncidentNumber
    /// One line.
    public var shortDescription: String
    /// Longer text; may be empty.
    public var description: String
    /// Who reported it.
    public var caller: String
    /// Who opened the record (a user, or the intake that received the alert).
    public var openedBy: String
    /// When it was opened.
    public var openedAt: Date
    /// The group working on it.
    public var assignmentGroup: String?
    /// The person working on it.
    public var assignedTo: String?
    /// Free-text category.
    public var category: String?
    /// The service or configuration item affected.
    public var service: String?
    /// How widely it hurts.
    public var impact: Impact
    /// How soon it must be dealt with.
    public var urgency: Urgency
    /// Where it is in its life.
    public var state: IncidentState
    /// Why it is On Hold; set exactly while ``state`` is On Hold.
    public var holdReason: HoldReason?
    /// The timeline, oldest first.
    public var workNotes: [WorkNote]
    /// How it was resolved; set while Resolved or Closed.
    public var closeCode: CloseCode?
    /// What was done to resolve it.
    public var closeNotes: String?
    /// When it was (last) resolved.
    public var resolvedAt: Date?
    /// Who (last) resolved it.
    public var resolvedBy: String?
    /// When it was closed or canceled.
    public var closedAt: Date?
    /// Who closed or canceled it (`system` when it closed automatically).
    public var closedBy: String?
    /// Who last acknowledged it (took it up), and when.
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    /// Until when an acknowledgement holds as a snooze: escalation starts over then if the incident is still open.
    public var snoozedUntil: Date?
    /// The silence that matched the alert which opened it: nobody is paged for it and no runbook runs.
    public var silencedBy: String?
    /// How many times it was reopened after being resolved.
    public var reopenCount: Int
    /// The source alerts, with their occurrence counts.
    public var alerts: [AlertLink]
    /// Ids of runbook runs started for it, in order.
    public var runs: [String]
    /// Response and resolution clocks.
    public var sla: SLAClocks
    /// The labels of the alert that opened it, verbatim (any characters, including newlines).
    public var labels: [String: String]
    /// The annotations of the alert that opened it (summary, description, runbook_url ...), for people to read: taken
    /// in rather than refused, as ``kept(annotations:)`` cuts them.
    public var annotations: [String: String]
    /// When anything last changed.
    public var updatedAt: Date

    /// The priority, always computed from ``impact`` and ``urgency`` so the two can never disagree.
    public var priority: Priority {
        Priority(impact: impact, urgency: urgency)
    }

    /// Whether every SLA target was met so far (ServiceNow's `made_sla`).
    public var madeSLA: Bool {
        sla.madeSLA
    }

    /// Opens an incident: state New, SLA clocks started at `time`, the first timeline entry written.
    ///
    /// - Throws: ``IncidentError/emptyText(field:)`` when the short description is blank,
    ///   ``IncidentError/nulCharacter(field:)`` when it or the description holds a NUL.
    public init(opening: IncidentOpening, at time: Date, actor: String) throws(IncidentError) {
        try Self.check(opening.shortDescription, field: "short description", required: true, limit: TextLimits.shortDescription)
        try Self.check(opening.description, field: "description", required: false)
        try Self.check(labels: opening.labels)
        let time = Timestamp.rounded(time)
        self.number = opening.number
        self.shortDescription = opening.shortDescription
        self.description = opening.description
        self.caller = opening.caller ?? actor
        self.openedBy = actor
        self.openedAt = time
        self.assignmentGroup = opening.assignmentGroup
        self.assignedTo = opening.assignedTo
        self.category = opening.category
        self.service = opening.service
        self.impact = opening.impact
        self.urgency = opening.urgency
        self.state = .new
        self.holdReason = nil
        self.workNotes = []
        self.closeCode = nil
        self.closeNotes = nil
        self.resolvedAt = nil
        self.resolvedBy = nil
        self.closedAt = nil
        self.closedBy = nil
        self.acknowledgedBy = nil
        self.acknowledgedAt = nil
        self.snoozedUntil = nil
        self.silencedBy = nil
        self.reopenCount = 0
        self.alerts = opening.alert.map { [AlertLink($0, at: time)] } ?? []
        self.runs = []
        self.sla = SLAClocks(openedAt: time, targets: opening.slaTargets)
        self.labels = opening.labels
        self.annotations = Self.kept(annotations: opening.annotations)
        self.updatedAt = time
        appendNote(Self.openingNote(opening), kind: .system, at: time, by: actor)
    }

    private static func openingNote(_ opening: IncidentOpening) -> String {
        var text = "opened with priority \(opening.priority) (impact \(opening.impact.value), urgency \(opening.urgency.value))"
        if let alert = opening.alert {
            text += " from alert \(alert)"
        }
        return text
    }

    /// Refuses a text a person must fill in that says nothing (blank, also only line breaks or invisible characters),
    /// any text with a NUL, and a text longer than `limit` characters.
    static func check(_ text: String, field: String, required: Bool, limit: Int = TextLimits.text) throws(IncidentError) {
        if required && text.isBlank { throw .emptyText(field: field) }
        if text.utf8.contains(0) { throw .nulCharacter(field: field) }
        if text.utf8.count > limit, text.count > limit { throw .textTooLong(field: field, limit: limit) }
    }

    /// Refuses a label without a name, and a NUL or an over-long text in a name or value: labels are written into
    /// every commit of the incident, and git takes a file with a NUL for binary (its history no longer shows as text).
    static func check(labels: [String: String]) throws(IncidentError) {
        for (name, value) in labels {
            if name.isEmpty { throw .invalidLabel(name: name, reason: "a label needs a name") }
            if name.utf8.contains(0) || value.utf8.contains(0) { throw .invalidLabel(name: name, reason: "it contains a NUL character (\\u0000)") }
            if name.count > TextLimits.label || value.count > TextLimits.label {
                throw .invalidLabel(name: String(name.prefix(64)), reason: "a label's name and value are at most \(TextLimits.label) characters")
            }
        }
    }

    /// The most annotations a record keeps (by name), and the longest value (as a label's).
    public static let annotationLimit = 32

    /// An alert's annotations as a record keeps them: an alert is not refused for its annotations (they are prose,
    /// often long), so the first ``annotationLimit`` by name are kept, each cut to a label's length, NULs replaced.
    public static func kept(annotations: [String: String]) -> [String: String] {
        var kept: [String: String] = [:]
        for (name, value) in annotations.sorted(by: { $0.key < $1.key }).prefix(annotationLimit) where !name.isEmpty {
            let clean = { (text: String) in TextLimits.cut(text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}"), to: TextLimits.label) }
            kept[clean(name)] = clean(value)
        }
        return kept
    }

    /// Adds a timeline entry; every timeline write goes through here so times are always rounded alike.
    mutating func appendNote(_ text: String, kind: WorkNote.Kind, at time: Date, by author: String) {
        workNotes.append(WorkNote(time: time, author: author, text: text, kind: kind))
    }
}

extension StringProtocol {
    /// Empty, or only white space, line breaks (Unicode's, U+2028 included) and characters nobody sees (a
    /// zero-width space, a byte order mark, control characters): says nothing.
    public var isBlank: Bool {
        unicodeScalars.allSatisfy { scalar in
            scalar.properties.isWhitespace || [.format, .control].contains(scalar.properties.generalCategory)
        }
    }
}
