import Foundation
import Wiki

/// What is wrong with a commit of the audit branch, or with the branch itself, as ``AuditVerifier`` finds it.
public enum AuditProblem: Sendable, Equatable, CustomStringConvertible {
    /// A merge: the audit branch is a single line of events.
    case mergeCommit(parents: Int)
    /// A trailer every event carries (`Incident`, `Event`, `Actor`, `State`, `Priority`) is missing: typically a
    /// commit made by hand.
    case missingTrailer(String)
    /// A trailer appears more than once: one commit is one event of one incident.
    case repeatedTrailer(String, count: Int)
    /// The `Event:` trailer names no event of the audit's vocabulary (``AuditEventName``).
    case unknownEvent(String)
    /// A run's event has a `Run-State:` that is no run state.
    case unknownRunState(String)
    /// An event that ends a run (`run-ended` ...) says the run is still going.
    case runNotEnded(event: String, state: String)
    /// The `Incident` trailer is not an incident number.
    case invalidIncidentTrailer(String)
    /// The commit changes other files than its incident's record (`changed` lists every changed path).
    case unexpectedFiles(expected: String, changed: [String])
    /// The `Run:` trailer does not name a run of the commit's incident.
    case invalidRunTrailer(String, incident: IncidentNumber)
    /// The commit deletes its incident's record.
    case recordDeleted(path: String)
    /// The record file the commit writes does not parse.
    case corruptRecord(path: String, problem: String)
    /// A trailer says something else than the record the commit writes.
    case trailerDisagrees(key: String, trailer: String, record: String)
    /// The subject line does not start with `INC0000042: `.
    case subjectMismatch(expectedPrefix: String)
    /// An `opened` event for a number that was opened before.
    case openedTwice(IncidentNumber)
    /// An `opened` event that skips numbers.
    case numberGap(opened: IncidentNumber, expected: IncidentNumber)
    /// An event other than `opened` for an incident that was never opened.
    case unknownIncident(IncidentNumber, event: String)
    /// The last verified head is no longer in the branch's history. `movedBack` when the branch now points at an
    /// older commit of that history (events were dropped from its end).
    case historyRewritten(branch: String, verified: ObjectID, verifiedAt: Date?, movedBack: Bool)
    /// The branch no longer exists, though it was verified before.
    case branchDeleted(branch: String, verified: ObjectID, verifiedAt: Date?)

    /// A sentence for the CLI: what is wrong and, for the branch-wide problems, what to do about it.
    public var description: String {
        switch self {
        case .mergeCommit(let parents):
            "a merge commit (\(parents) parents): the audit branch must be a single line of events"
        case .missingTrailer(let key):
            "no '\(key):' trailer: not an incident event (a commit made by hand?)"
        case .unknownRunState(let state):
            "the Run-State trailer '\(state)' is not a run state (one of: \(RunState.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .runNotEnded(let event, let state):
            "a \(event) commit says the run is still \(state)"
        case .unknownEvent(let name):
            "the Event trailer '\(name)' is not an audit event (one of: \(AuditEventName.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .repeatedTrailer(let key, let count):
            "\(count) '\(key):' trailers: a commit records one event of one incident"
        case .invalidIncidentTrailer(let value):
            "'Incident: \(value)' is not an incident number like INC0000042"
        case .unexpectedFiles(let expected, let changed):
            "changes \(changed.isEmpty ? "no file" : changed.joined(separator: ", ")); an event changes exactly \(expected)"
        case .invalidRunTrailer(let run, let incident):
            "'Run: \(run)' is not a run of \(incident) (like \(incident)-1)"
        case .recordDeleted(let path):
            "deletes \(path)"
        case .corruptRecord(let path, let problem):
            "\(path) does not parse: \(problem)"
        case .trailerDisagrees(let key, let trailer, let record):
            "the '\(key):' trailer says \(trailer), the record says \(record)"
        case .subjectMismatch(let prefix):
            "the subject does not start with '\(prefix)'"
        case .openedTwice(let number):
            "opens \(number), which was opened before (duplicate number)"
        case .numberGap(let opened, let expected):
            "opens \(opened), but the next number is \(expected) (numbers skipped)"
        case .unknownIncident(let number, let event):
            "records '\(event)' for \(number), which was never opened"
        case .historyRewritten(let branch, let verified, let verifiedAt, let movedBack):
            "history rewritten: \(verified.short), verified \(Self.on(verifiedAt)), is no longer in the history of \(branch)"
                + (movedBack ? " (the branch was moved back)" : "")
                + "; if that was intended, run `git update-ref -d \(AuditVerifier.markReference(for: branch))` and verify again"
        case .branchDeleted(let branch, let verified, let verifiedAt):
            "the \(branch) branch is gone, though it was verified up to \(verified.short) \(Self.on(verifiedAt))"
        }
    }

    private static func on(_ date: Date?) -> String {
        date.map { "on \(Timestamp.format($0))" } ?? "before"
    }
}
