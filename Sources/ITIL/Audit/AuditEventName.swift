/// The `Event:` trailer of an audit commit: what happened, in the words `git log audit` shows.
///
/// The incident's own events (``IncidentEvent/name``) change its record; a run's events write files in the run's
/// folder (``RunFolder``) and leave the record as it is.
public enum AuditEventName: String, Sendable, CaseIterable, Codable {
    // The incident's record.
    case opened
    case alertRepeated = "alert-repeated"
    case acknowledged
    case snoozed
    case unacknowledged
    case silenced
    case noteAdded = "note-added"
    case assigned
    case transitioned
    case reopened
    case autoClosed = "auto-closed"
    case slaBreached = "sla-breached"
    case impactUrgencyChanged = "impact-urgency-changed"
    case runLinked = "run-linked"
    /// A job was created (``JobRecord``): a run asked for without an incident; its run's events follow.
    case jobCreated = "job-created"
    // A run, in its folder.
    case runQueued = "run-queued"
    case runStarted = "run-started"
    /// A process took over a run whose process stopped while it waited (for a worker or for approval).
    case runResumed = "run-resumed"
    case stepStarted = "step-started"
    case stepEnded = "step-ended"
    case approvalRequested = "approval-requested"
    /// A person's decision, written by whoever decides; the run acts on it with ``approved`` or ``denied``.
    case approvalGiven = "approval-given"
    case denialGiven = "denial-given"
    case approved
    case denied
    case cancelRequested = "cancel-requested"
    case runRefused = "run-refused"
    case runInterrupted = "run-interrupted"
    case runEnded = "run-ended"
    // The incident's escalation, in its `escalation/` folder (see ``EscalationFolder``).
    /// A level of the escalation policy was paged: the notifications it plans, each with its idempotency key,
    /// written before any is sent.
    case paged
    /// An escalation was planned to page its first level later (the policy's `page_after`): nobody is paged yet.
    case escalationScheduled = "escalation-scheduled"
    /// Notifications were delivered or failed: each outcome (HTTP status, SMTP reply) beside its key.
    case notified
    /// The escalation ended without an acknowledgement: every level and repeat was paged.
    case escalationExhausted = "escalation-exhausted"

    /// Whether the event changes the incident's record (rather than files of one of its runs).
    public var changesRecord: Bool {
        switch self {
        case .opened, .alertRepeated, .acknowledged, .snoozed, .unacknowledged, .silenced, .noteAdded, .assigned, .transitioned, .reopened, .autoClosed, .slaBreached,
             .impactUrgencyChanged, .runLinked: true
        default: false
        }
    }

    /// Whether the event writes the incident's escalation (``EscalationFolder``) rather than its record or a run.
    public var isEscalation: Bool {
        self == .paged || self == .notified || self == .escalationExhausted || self == .escalationScheduled
    }
}
