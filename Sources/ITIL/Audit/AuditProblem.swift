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
    /// A head recorded by an anchor (``AuditAnchorReading``) is no longer in the branch's history. `movedBack` when
    /// the branch now points at an older commit of that history (events were dropped from its end); `anchors` names
    /// every anchor that disagrees, the first of which recorded `verified`.
    case historyRewritten(branch: String, anchors: [String], verified: ObjectID, verifiedAt: Date?, movedBack: Bool)
    /// A copy on another server (`anchors`, whose first holds `head`) has commits this branch does not, while every
    /// record kept here agrees with the branch: the copy was rewritten, or another server writes to it.
    case copyDiffers(branch: String, anchors: [String], head: ObjectID)
    /// The branch no longer exists, though an anchor recorded a head of it.
    case branchDeleted(branch: String, anchors: [String], verified: ObjectID, verifiedAt: Date?)
    /// An unsigned commit after signed ones: once the writer signs, every commit must be signed.
    case unsigned
    /// The commit's signature does not verify (forged, or its content was changed after signing).
    case badSignature(String)
    /// A valid signature by a key the trusted signers do not list (or not at the commit's time).
    case untrustedSigner(fingerprint: String)
    /// Who the commit says acted disagrees with who the record or the commit's author says acted.
    case actorDisagrees(what: String, says: String, actor: String)
    /// git would show other objects than the stored ones (`git replace`, grafts): what people read is not what
    /// was checked, so nothing is checked until they are gone.
    case replacedObjects([String])
    /// A commit of several events (``AuditBatch``) whose message does not say them as the writer does.
    case malformedBatch(String)
    /// Two events of one commit write in the same place (``AuditEventScope``): each event must be its own change.
    case sharedScope(String)
    /// A commit of several events changes files no event of it may write.
    case unclaimedFiles([String])

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
        case .historyRewritten(let branch, let anchors, let verified, let verifiedAt, let movedBack):
            "history rewritten: \(verified.short), recorded by \(anchors.first ?? "an anchor")\(verifiedAt.map { " on \(Timestamp.format($0))" } ?? ""), "
                + "is no longer in the history of \(branch)"
                + (movedBack ? " (the branch was moved back)" : "")
                + "; anchors that disagree: \(anchors.joined(separator: ", ")). Nothing was changed: compare with a remote copy "
                + "(`runbook audit verify --remote NAME`) and see docs/audit.md, \"After a rewrite\""
        case .copyDiffers(let branch, let anchors, let head):
            "the copy on \(anchors.joined(separator: ", ")) (\(head.short)) is not in the history of \(branch) here, while the records "
                + "kept here agree with it: that copy was rewritten, or another server writes to it. `git log \(branch)..\(head.short)` "
                + "shows what only the copy has; see docs/audit.md, \"After a rewrite\""
        case .branchDeleted(let branch, let anchors, let verified, let verifiedAt):
            "the \(branch) branch is gone, though \(anchors.joined(separator: ", ")) recorded its head \(verified.short) \(Self.on(verifiedAt))"
        case .unsigned:
            "not signed, though commits before it are: once the audit writer signs, every commit must be signed"
        case .badSignature(let reason):
            "the signature does not verify: \(reason)"
        case .untrustedSigner(let fingerprint):
            "signed by \(fingerprint), a key that is not a trusted audit signer at the commit's time "
                + "(config/audit-signers, or the data directory's key)"
        case .actorDisagrees(let what, let says, let actor):
            "the Actor trailer says \(actor), \(what) says \(says)"
        case .replacedObjects(let names):
            "git would show replaced objects (\(names.joined(separator: ", "))), so `git log` and `git show` do not show what is "
                + "stored; remove them (`git replace -d`, delete info/grafts) and verify again"
        case .malformedBatch(let reason):
            "a commit of several events whose message does not list them: \(reason)"
        case .sharedScope(let path):
            "two events of one commit both write \(path); each event must be its own change"
        case .unclaimedFiles(let paths):
            "changes \(paths.joined(separator: ", ")), which none of its events may write"
        }
    }

    private static func on(_ date: Date?) -> String {
        date.map { "on \(Timestamp.format($0))" } ?? "before"
    }
}
