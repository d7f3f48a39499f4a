import Foundation

/// Something that happens to an incident; ``Incident/apply(_:at:actor:)`` turns it into changes of the record.
///
/// Events carry only what the caller decides; the time and the actor come with `apply`. The store commits one event
/// per commit on the audit branch and names it with ``name`` in the `Event:` trailer.
public enum IncidentEvent: Sendable, Hashable {
    /// The incident was opened. Records are made with ``Incident/init(opening:at:actor:)``; this case exists to name
    /// that event, and applying it to an existing record is refused.
    case opened(IncidentOpening)
    /// A linked alert arrived again while the incident is open: one more occurrence, last seen now.
    case alertRepeated(AlertKey)
    /// A person took the incident up: that is the response, which stops the response clock. A New incident moves to
    /// In Progress; one automation already works on stays where it is.
    case acknowledged
    /// A person acknowledged it for a while: as ``acknowledged``, and escalation starts over at `until` if it is
    /// still open then.
    case snoozed(until: Date)
    /// A person gave the incident back: the acknowledgement (and any snooze) is withdrawn and escalation starts over.
    /// The response already made stays met.
    case unacknowledged
    /// The alert that opened it matched a silence (a maintenance window): it is recorded, but pages nobody and runs
    /// no runbook.
    case silenced(id: String, comment: String)
    /// A person or automation wrote a work note.
    case noteAdded(String)
    /// The assignment changed; `nil` clears a field.
    case assigned(group: String?, to: String?)
    /// A move to another state. On Hold needs `reason`; Resolved needs `code` and `notes`; `notes` on any other move
    /// are kept in the timeline as the explanation. From Resolved, a move to In Progress is a reopen.
    case transitioned(to: IncidentState, reason: HoldReason? = nil, code: CloseCode? = nil, notes: String? = nil)
    /// A Resolved incident came back: it returns to In Progress and ``Incident/reopenCount`` grows by one.
    case reopened(reason: String? = nil)
    /// A Resolved incident closed by itself after `auto_close_after` (see ``SLAPolicy/autoCloseDue(for:)``).
    case autoClosed
    /// An SLA target was missed (see ``SLAPolicy/breaches(of:at:)``).
    case slaBreached(SLABreach.Kind)
    /// Impact and/or urgency changed; the priority follows and the due times move to the new priority's `slaTargets`
    /// (counted from opening).
    case impactUrgencyChanged(impact: Impact, urgency: Urgency, slaTargets: SLATargets)
    /// A runbook run was started for the incident.
    case runLinked(String)

    /// Its name in the `Event:` trailer and logs: `opened`, `alert-repeated`, `transitioned`, ….
    public var name: AuditEventName {
        switch self {
        case .opened: .opened
        case .alertRepeated: .alertRepeated
        case .acknowledged: .acknowledged
        case .snoozed: .snoozed
        case .unacknowledged: .unacknowledged
        case .silenced: .silenced
        case .noteAdded: .noteAdded
        case .assigned: .assigned
        case .transitioned: .transitioned
        case .reopened: .reopened
        case .autoClosed: .autoClosed
        case .slaBreached: .slaBreached
        case .impactUrgencyChanged: .impactUrgencyChanged
        case .runLinked: .runLinked
        }
    }
}
