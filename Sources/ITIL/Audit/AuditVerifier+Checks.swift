import Foundation
import Wiki

/// The checks of one commit.
extension AuditVerifier {
    /// Checks every event `commit` carries (one, or several for a batch's commit, see ``AuditBatch``), whose parent
    /// passed, and moves `highest` to the last number it opens, if any.
    ///
    /// An event of a batch's commit is checked as if it were a commit of its own: its paragraph's subject and
    /// trailers, the commit's changes inside its incident's folder (``AuditEventScope``). The commit's author is their
    /// actor when they share one; no two of them are about the same incident, and every change belongs to one of them.
    ///
    /// - Throws: ``AuditFailure`` naming the commit (and the event's subject) at its first problem; a repository error
    ///   when it cannot be read.
    func check(_ commit: Commit, highest: inout IncidentNumber?, highestJob: inout IncidentNumber?) throws {
        guard commit.parents.count <= 1 else { throw AuditFailure(commit, .mergeCommit(parents: commit.parents.count)) }
        let events: [AuditBatch.Event]
        do {
            events = try AuditBatch.events(of: commit)
        } catch {
            throw AuditFailure(commit, .malformedBatch(error.description))
        }
        let changes = try changedFiles(commit)
        guard events.count > 1 else {
            return try check(commit, changes: changes, alone: true, highest: &highest, highestJob: &highestJob)
        }
        let actors = Set(events.map { $0.trailers.value(of: .actor) ?? "" })
        try Self.checkAuthor(of: commit, actor: actors.count == 1 ? actors.first! : AuditBatch.mixedActors)
        var scopes: Set<AuditEventScope> = []
        var claimed = 0
        for event in events {
            let view = Commit(id: commit.id, tree: commit.tree, parents: commit.parents, author: commit.author, committer: commit.committer,
                              message: commit.message, summary: event.subject, trailers: event.trailers)
            let scope = AuditEventScope(trailers: event.trailers)
            if let scope, !scopes.insert(scope).inserted { throw AuditFailure(view, .sharedScope(scope.folder)) }
            let own = scope.map { scope in changes.filter { scope.contains($0.path) } } ?? []
            claimed += own.count
            try check(view, changes: own, alone: false, highest: &highest, highestJob: &highestJob)
        }
        guard claimed == changes.count else {
            let stray = changes.map(\.path).filter { path in !scopes.contains { $0.contains(path) } }
            throw AuditFailure(commit, .unclaimedFiles(stray))
        }
    }

    /// Checks one event: `commit` is its commit (for a batch's, with the event's subject and trailers), `changes` the
    /// files it wrote; `alone` when the commit carries only it, whose author is then its actor.
    private func check(
        _ commit: Commit, changes: [ChangedFile], alone: Bool, highest: inout IncidentNumber?, highestJob: inout IncidentNumber?
    ) throws {
        if Self.isJobEvent(commit) { return try checkJob(commit, changes: changes, alone: alone, highest: &highestJob) }
        let trailers = try Self.trailers(of: commit)
        let number = try Self.incidentNumber(trailers[.incident]!, in: commit)
        guard let event = AuditEventName(rawValue: trailers[.event]!) else { throw AuditFailure(commit, .unknownEvent(trailers[.event]!)) }
        let run = try Self.runTrailer(of: commit)
        if run == nil, !event.changesRecord, !event.isEscalation {
            throw AuditFailure(commit, .missingTrailer(AuditTrailer.run.rawValue))
        }
        if run != nil { try Self.checkRunState(of: commit, event: event) }
        let blob = try event.isEscalation && run == nil
            ? recordBlob(inFolder: EscalationFolder.path(of: number) + "/", changes: changes, at: commit, for: number)
            : run.map { try recordBlob(ofRun: $0, changes: changes, at: commit, for: number) }
                ?? recordBlob(changes: changes, of: commit, for: number)
        let prefix = "\(number): "
        guard commit.summary.hasPrefix(prefix) else { throw AuditFailure(commit, .subjectMismatch(expectedPrefix: prefix)) }
        try Self.checkSequence(event: event, number: number, highest: highest, in: commit)
        let record = try parseRecord(blob, path: IncidentRecordFile.path(for: number), in: commit)
        try Self.checkAgreement(trailers, with: record, in: commit)
        if alone { try Self.checkAuthor(of: commit, actor: trailers[.actor]!) }
        if event.changesRecord { try Self.checkActor(trailers[.actor]!, of: event, in: record, commit: commit) }
        if [.approvalGiven, .denialGiven, .cancelRequested].contains(event) { try checkDecider(trailers[.actor]!, changes: changes, in: commit) }
        if event == .opened { highest = number }
    }

    /// The commit's author is the actor, as the writer makes it (``AuditRecord/author(_:at:)``).
    static func checkAuthor(of commit: Commit, actor: String) throws {
        let expected = AuditRecord.author(actor, at: commit.author.time)
        guard commit.author.name == expected.name, commit.author.email == expected.email else {
            throw AuditFailure(commit, .actorDisagrees(what: "the commit's author", says: "\(commit.author.name) <\(commit.author.email)>", actor: actor))
        }
    }

    /// The record names the actor where the event writes who acted: the timeline entry it adds (every event but a
    /// repeated alert adds one), and who opened it.
    private static func checkActor(_ actor: String, of event: AuditEventName, in record: Incident, commit: Commit) throws {
        if event == .opened, AuditRecord.oneLine(record.openedBy) != actor {
            throw AuditFailure(commit, .actorDisagrees(what: "the record's opened_by", says: record.openedBy, actor: actor))
        }
        guard event != .alertRepeated, let note = record.workNotes.last else { return }
        guard AuditRecord.oneLine(note.author) == actor else {
            throw AuditFailure(commit, .actorDisagrees(what: "the record's newest timeline entry", says: note.author, actor: actor))
        }
    }

    /// A decision (approval, denial, cancel request) names who decided, who must be the actor.
    func checkDecider(_ actor: String, changes: [ChangedFile], in commit: Commit) throws {
        for change in changes {
            guard let blob = change.blob, change.path.hasSuffix(".json") else { continue }
            let object = try? JSONSerialization.jsonObject(with: repository.readBlob(blob)) as? [String: Any]
            guard let by = object?["by"] as? String else { continue }
            guard AuditRecord.oneLine(by) == actor else {
                throw AuditFailure(commit, .actorDisagrees(what: "\(change.path)", says: by, actor: actor))
            }
        }
    }

    /// The required trailers by key, each present exactly once.
    static func trailers(of commit: Commit, required: [AuditTrailer] = AuditTrailer.required) throws -> [AuditTrailer: String] {
        var values: [AuditTrailer: String] = [:]
        for key in required {
            let found = commit.trailers.filter { $0.key == key.rawValue }
            guard let first = found.first else { throw AuditFailure(commit, .missingTrailer(key.rawValue)) }
            guard found.count == 1 else { throw AuditFailure(commit, .repeatedTrailer(key.rawValue, count: found.count)) }
            values[key] = first.value
        }
        return values
    }

    private static func incidentNumber(_ value: String, in commit: Commit) throws -> IncidentNumber {
        guard let number = IncidentNumber(parsing: value), !number.isJob else { throw AuditFailure(commit, .invalidIncidentTrailer(value)) }
        return number
    }

    /// The blob of the record the event writes, after checking that `changes` are that record and nothing else.
    private func recordBlob(changes: [ChangedFile], of commit: Commit, for number: IncidentNumber) throws -> ObjectID {
        let expected = IncidentRecordFile.path(for: number)
        guard changes.count == 1, changes[0].path == expected else {
            throw AuditFailure(commit, .unexpectedFiles(expected: expected, changed: changes.map(\.path)))
        }
        guard let blob = changes[0].blob else { throw AuditFailure(commit, .recordDeleted(path: expected)) }
        return blob
    }

    /// The `Run:` trailer of an event of a run (its start, a step, a decision ...), if the commit has one.
    static func runTrailer(of commit: Commit) throws -> String? {
        let runs = commit.trailers.filter { $0.key == AuditTrailer.run.rawValue }
        guard runs.count <= 1 else { throw AuditFailure(commit, .repeatedTrailer(AuditTrailer.run.rawValue, count: runs.count)) }
        return runs.first?.value
    }

    /// For an event of a run: checks that it changes only files of that run, and returns the blob of the
    /// incident's record as it stands at the commit, for the trailers to agree with.
    private func recordBlob(ofRun run: String, changes: [ChangedFile], at commit: Commit, for number: IncidentNumber) throws -> ObjectID {
        guard let id = RunID(parsing: run), id.incident == number else {
            throw AuditFailure(commit, .invalidRunTrailer(run, incident: number))
        }
        return try recordBlob(inFolder: RunFolder.path(of: id) + "/", changes: changes, at: commit, for: number)
    }

    /// For an event that writes files in one folder of the incident (a run's, the escalation's): checks that it
    /// changes only files there, and returns the blob of the incident's record as it stands at the commit.
    private func recordBlob(inFolder folder: String, changes: [ChangedFile], at commit: Commit, for number: IncidentNumber) throws -> ObjectID {
        guard !changes.isEmpty, changes.allSatisfy({ $0.path.hasPrefix(folder) }) else {
            throw AuditFailure(commit, .unexpectedFiles(expected: folder + "…", changed: changes.map(\.path)))
        }
        let record = IncidentRecordFile.path(for: number)
        guard let blob = try repository.files(at: commit.id, under: record).first?.blob else {
            throw AuditFailure(commit, .recordDeleted(path: record))
        }
        return blob
    }

    /// A run's events say where the run stands, and the events that end a run say it has ended.
    static func checkRunState(of commit: Commit, event: AuditEventName) throws {
        let text = commit.trailers.first { $0.key == AuditTrailer.runState.rawValue }?.value
        guard let text else { throw AuditFailure(commit, .missingTrailer(AuditTrailer.runState.rawValue)) }
        guard let state = RunState(rawValue: text) else { throw AuditFailure(commit, .unknownRunState(text)) }
        if [.runEnded, .runRefused, .runInterrupted].contains(event), !state.isFinal {
            throw AuditFailure(commit, .runNotEnded(event: event.rawValue, state: text))
        }
    }

    /// What `commit` changes: against its parent, or, for the root commit, against nothing (every file it has).
    func changedFiles(_ commit: Commit) throws -> [ChangedFile] {
        guard let parent = commit.parents.first else {
            return try repository.files(at: commit.id).map { ChangedFile(path: $0.path, blob: $0.blob) }
        }
        return try repository.changedFiles(from: parent, to: commit.id)
    }

    /// `opened` takes the next number; every other event needs an incident opened before. Records exist exactly
    /// for the numbers 1 through `highest`, because every earlier commit passed these checks.
    private static func checkSequence(event: AuditEventName, number: IncidentNumber, highest: IncidentNumber?, in commit: Commit) throws {
        let next = highest?.next ?? .first
        if event == .opened {
            guard number >= next else { throw AuditFailure(commit, .openedTwice(number)) }
            guard number == next else { throw AuditFailure(commit, .numberGap(opened: number, expected: next)) }
        } else if number >= next {
            throw AuditFailure(commit, .unknownIncident(number, event: event.rawValue))
        }
    }

    private func parseRecord(_ blob: ObjectID, path: String, in commit: Commit) throws -> Incident {
        let contents = try repository.readBlob(blob)
        do {
            return try IncidentRecordFile.parse(contents)
        } catch {
            throw AuditFailure(commit, .corruptRecord(path: path, problem: error.description))
        }
    }

    /// The `Incident`, `State` and `Priority` trailers say what the record says.
    private static func checkAgreement(_ trailers: [AuditTrailer: String], with record: Incident, in commit: Commit) throws {
        let facts: [(AuditTrailer, String)] = [
            (.incident, record.number.description), (.state, record.state.rawValue), (.priority, String(record.priority.rawValue)),
        ]
        for (key, value) in facts where trailers[key] != value {
            throw AuditFailure(commit, .trailerDisagrees(key: key.rawValue, trailer: trailers[key] ?? "", record: value))
        }
    }
}
