import Foundation

/// A request the incident model refuses: a forbidden transition, a missing detail, a value out of range.
///
/// Each case renders as a sentence that says what was wrong and what would be accepted, for the CLI and the API to
/// show as is. Nothing has changed on the incident when one of these is thrown.
public enum IncidentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Impact must be 1, 2 or 3.
    case impactOutOfRange(Int)
    /// Urgency must be 1, 2 or 3.
    case urgencyOutOfRange(Int)
    /// Text that should name an incident does not (`INC42`).
    case invalidNumber(String)
    /// Text that should name a state does not.
    case unknownState(String)
    /// Text that should name a close code does not.
    case unknownCloseCode(String)
    /// Text that should name a hold reason does not.
    case unknownHoldReason(String)
    /// The state machine does not allow `from` → `to` (including `to == from`).
    case forbiddenTransition(IncidentNumber, from: IncidentState, to: IncidentState)
    /// The incident is Closed or Canceled: nothing more happens to it.
    case finalState(IncidentNumber, IncidentState)
    /// Only a Resolved incident can be reopened.
    case notResolved(IncidentNumber, IncidentState)
    /// The event needs an open incident (New, In Progress, On Hold); `event` names it for the message.
    case notOpen(IncidentNumber, IncidentState, event: String)
    /// Resolving needs a close code and non-empty close notes.
    case resolutionIncomplete(IncidentNumber)
    /// Putting an incident On Hold needs a reason.
    case holdReasonMissing(IncidentNumber)
    /// A detail was given for a transition it does not belong to (a close code when not resolving, …).
    case detailNotApplicable(IncidentNumber, detail: String, to: IncidentState)
    /// A text that must say something (short description, note) is empty or only spaces.
    case emptyText(field: String)
    /// A text holds a NUL character, which no field keeps (it ends C strings, and git trailers and
    /// terminals mangle it).
    case nulCharacter(field: String)
    /// A text is longer than its field takes (see ``TextLimits``).
    case textTooLong(field: String, limit: Int)
    /// A label the record cannot keep: no name, a NUL, or too long.
    case invalidLabel(name: String, reason: String)
    /// Only a person can do this (acknowledge): automation's moves never answer the response target.
    case notAPerson(IncidentNumber, event: String)
    /// A snooze must end in the future.
    case invalidSnooze(IncidentNumber, until: Date)
    /// Unacknowledging needs an acknowledgement to withdraw.
    case notAcknowledged(IncidentNumber)
    /// A repeated alert names a source and key that are not linked to the incident.
    case alertNotLinked(IncidentNumber, AlertKey)
    /// A breach that cannot be recorded: no target, not yet due, already responded or already recorded.
    case breachNotApplicable(IncidentNumber, SLABreach.Kind, reason: String)
    /// `.opened` was applied to an incident that exists; an incident is made with ``Incident/init(opening:at:actor:)``.
    case alreadyOpened(IncidentNumber)

    /// A sentence for a person: what is wrong and what is accepted.
    public var description: String {
        switch self {
        case .impactOutOfRange(let value):
            "impact must be 1, 2 or 3, got \(value)"
        case .urgencyOutOfRange(let value):
            "urgency must be 1, 2 or 3, got \(value)"
        case .invalidNumber(let text):
            "'\(text)' is not an incident number (INC followed by 7 digits, e.g. INC0000042)"
        case .unknownState(let text):
            "'\(text)' is not a state (one of: \(IncidentState.spellings))"
        case .unknownCloseCode(let text):
            "'\(text)' is not a close code (one of: \(CloseCode.spellings))"
        case .unknownHoldReason(let text):
            "'\(text)' is not a hold reason (one of: \(HoldReason.spellings))"
        case .forbiddenTransition(let number, let from, let to):
            Self.describeForbidden(number, from: from, to: to)
        case .finalState(let number, let state):
            "\(number) is \(state); a \(state.rawValue) incident is never reopened — open a new one"
        case .notResolved(let number, let state):
            "\(number) is \(state); only a Resolved incident can be reopened"
        case .notOpen(let number, let state, let event):
            "\(number) is \(state); \(event) needs an open incident (New, In Progress or On Hold)"
        case .resolutionIncomplete(let number):
            "resolving \(number) needs a close code (one of: \(CloseCode.spellings)) and close notes"
        case .holdReasonMissing(let number):
            "putting \(number) on hold needs a reason (one of: \(HoldReason.spellings))"
        case .detailNotApplicable(let number, let detail, let to):
            "\(number): a \(detail) does not apply when moving to \(to)"
        case .emptyText(let field):
            "the \(field) is empty"
        case .nulCharacter(let field):
            "the \(field) contains a NUL character (\\u0000)"
        case .textTooLong(let field, let limit):
            "the \(field) is longer than \(limit) characters"
        case .invalidLabel(let name, let reason):
            "the label '\(name)' cannot be kept: \(reason)"
        case .notAPerson(let number, let event):
            "\(number): \(event) is a person's act; automation cannot do it"
        case .invalidSnooze(let number, let until):
            "\(number): a snooze must end in the future, not at \(Timestamp.format(until))"
        case .notAcknowledged(let number):
            "\(number) is not acknowledged; there is nothing to withdraw"
        case .alertNotLinked(let number, let alert):
            "\(number) has no alert \(alert)"
        case .breachNotApplicable(let number, let kind, let reason):
            "no \(kind) SLA breach to record on \(number): \(reason)"
        case .alreadyOpened(let number):
            "\(number) is already open; an incident is opened once"
        }
    }

    private static func describeForbidden(_ number: IncidentNumber, from: IncidentState, to: IncidentState) -> String {
        if from == to {
            return "\(number) is already \(from)"
        }
        let targets = from.allowedNextStates.map(\.title)
        let choices = targets.count <= 1
            ? targets.joined()
            : targets.dropLast().joined(separator: ", ") + " or " + targets[targets.count - 1]
        return "\(number) cannot go from \(from) to \(to); from \(from) it can go to \(choices)"
    }
}
