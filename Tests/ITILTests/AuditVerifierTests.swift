import Foundation
@testable import ITIL
import StoreTestSupport
import Testing
import Wiki

/// `runbook audit verify` underneath: a history the store wrote passes; each kind of damage is named by its commit.
@Suite(.timeLimit(.minutes(2)))
struct AuditVerifierTests {
    @Test func aCleanHistoryVerifiesAndItsHeadIsRemembered() async throws {
        let audit = try TemporaryAudit()
        try await audit.writeHistory(incidents: 4)
        let head = try #require(try audit.auditLog.head())
        let report = try audit.verifier().verify()
        #expect(report.failure == nil)
        #expect(report.commitsChecked == 7, "4 opens, a note, a transition, a repeated alert")
        #expect(report.incidents == 4)
        #expect(report.head == head)
        #expect(report.since == nil)
        let mark = try #require(try audit.repository.mark("refs/runbook/verified/audit"))
        #expect(mark.commit == head)
        #expect(mark.message == "verified 7 commits, 4 incidents")
        // People can see it with git.
        #expect(try audit.git(["log", "--oneline", "-1", "refs/runbook/verified/audit"]).output.hasPrefix(head.short))
    }

    @Test func aMissingBranchHasNothingToVerify() throws {
        let audit = try TemporaryAudit()
        let report = try audit.verifier().verify()
        #expect(report.succeeded)
        #expect(report.head == nil)
        #expect(report.commitsChecked == 0)
        #expect(try audit.repository.mark("refs/runbook/verified/audit") == nil)
    }

    @Test func aDeletedBranchThatWasVerifiedIsReported() async throws {
        let audit = try TemporaryAudit()
        try await audit.writeHistory(incidents: 1)
        #expect(try audit.verifier().verify().succeeded)
        try audit.git(["update-ref", "-d", "refs/heads/audit"])
        let failure = try #require(try audit.verifier().verify().failure)
        guard case .branchDeleted(branch: "audit", _, _, let verifiedAt) = failure.problem else {
            Issue.record("expected branchDeleted, got \(failure.problem)")
            return
        }
        #expect(verifiedAt != nil)
        #expect(failure.description.contains("the audit branch is gone"))
    }

    @Test func aCorruptRecordInALaterCommitIsNamedByCommit() async throws {
        let audit = try TemporaryAudit()
        try await audit.writeHistory(incidents: 3)
        let good = try audit.commitCount()
        let two = IncidentNumber(2)!
        var entry = try audit.entry(.noteAdded("checked"), on: two)
        entry.changes = [.write(path: IncidentRecordFile.path(for: two), contents: Data("---\n{\"number\": \"INC0000002\",\n".utf8))]
        let bad = try audit.append(entry)
        try audit.append(try audit.entry(.noteAdded("after"), on: IncidentNumber(1)!))

        let report = try audit.verifier().verify()
        let failure = try #require(report.failure)
        #expect(failure.commit == bad)
        #expect(failure.subject == "INC0000002: note")
        #expect(failure.description.hasPrefix("\(bad.short) INC0000002: note: incidents/000/00/INC0000002/record.md does not parse"))
        #expect(report.commitsChecked == good)
        // A failed run does not move the mark.
        #expect(try audit.repository.mark("refs/runbook/verified/audit") == nil)
    }

    @Test func aTrailerThatDisagreesWithTheRecordIsReported() async throws {
        let audit = try TemporaryAudit()
        try await audit.writeHistory(incidents: 2)
        var entry = try audit.entry(.noteAdded("looking"), on: IncidentNumber(2)!)
        entry.trailers = entry.trailers.map { $0.key == "State" ? Trailer("State", "resolved") : $0 }
        let bad = try audit.append(entry)
        let failure = try #require(try audit.verifier().verify().failure)
        #expect(failure.commit == bad)
        #expect(failure.problem == .trailerDisagrees(key: "State", trailer: "resolved", record: "new"))
    }

    @Test func aCommitMadeByHandIsReported() async throws {
        let audit = try TemporaryAudit()
        try await audit.writeHistory(incidents: 2)
        let head = try audit.auditLog.head()
        let manual = try audit.repository.commit(
            changes: [.write(path: "NOTES.md", contents: Data("remember to rotate logs\n".utf8))], to: "audit",
            expectedParent: head, author: Signature(name: "Mallory", email: "m@example.com"), message: "Add notes")
        let failure = try #require(try audit.verifier().verify().failure)
        #expect(failure.commit == manual)
        #expect(failure.problem == .missingTrailer("Incident"))
        #expect(failure.description.contains("Add notes: no 'Incident:' trailer"))
    }

    /// A run's end that says the run still waits (what a run taken over with a cancel on record once wrote), and an
    /// event outside the vocabulary, are reported.
    @Test func aRunsEndThatSaysItStillWaitsAndAnUnknownEventAreReported() async throws {
        let audit = try TemporaryAudit()
        try await audit.writeHistory(incidents: 1)
        let store = try audit.otherStore()
        let run = "incidents/000/00/INC0000001/runs/1/run.json"
        let trailers = [Trailer(.run, "INC0000001-1"), Trailer(.runbook, "runbooks/x.md"), Trailer(.runbookCommit, String(repeating: "a", count: 40))]
        try await store.appendEvent(.init(name: .runEnded, subject: "run INC0000001-1: ended", files: [.write(path: run, contents: Data("{}".utf8))],
                                          trailers: trailers + [Trailer(.runState, "awaiting-approval")], actor: "automation"), to: IncidentNumber(1)!)
        let bad = try #require(try audit.auditLog.head())
        let failure = try #require(try audit.verifier().verify(full: true).failure)
        #expect(failure.commit == bad)
        #expect(failure.problem == .runNotEnded(event: "run-ended", state: "awaiting-approval"))

        let other = try TemporaryAudit()
        try await other.writeHistory(incidents: 1)
        var entry = try other.entry(.noteAdded("x"), on: IncidentNumber(1)!)
        entry.trailers = entry.trailers.map { $0.key == "Event" ? Trailer("Event", "note-deleted") : $0 }
        let unknown = try other.append(entry)
        let unknownFailure = try #require(try other.verifier().verify().failure)
        #expect(unknownFailure.commit == unknown)
        #expect(unknownFailure.problem == .unknownEvent("note-deleted"))
    }

    @Test func aCommitThatChangesAnotherFileToo() async throws {
        let audit = try TemporaryAudit()
        try await audit.writeHistory(incidents: 1)
        var entry = try audit.entry(.noteAdded("x"), on: IncidentNumber(1)!)
        entry.changes.append(.write(path: "incidents/000/00/INC0000009/record.md", contents: Data("---\n".utf8)))
        let bad = try audit.append(entry)
        let failure = try #require(try audit.verifier().verify().failure)
        #expect(failure.commit == bad)
        #expect(failure.problem == .unexpectedFiles(
            expected: "incidents/000/00/INC0000001/record.md",
            changed: ["incidents/000/00/INC0000001/record.md", "incidents/000/00/INC0000009/record.md"]))
    }

    @Test func anOpenThatSkipsOrReusesANumberIsReported() async throws {
        let audit = try TemporaryAudit()
        try await audit.writeHistory(incidents: 2)
        let skipping = try audit.append(try audit.openEntry(number: 4))
        var failure = try #require(try audit.verifier().verify().failure)
        #expect(failure.commit == skipping)
        #expect(failure.problem == .numberGap(opened: IncidentNumber(4)!, expected: IncidentNumber(3)!))

        let other = try TemporaryAudit()
        try await other.writeHistory(incidents: 2)
        let reusing = try other.append(try other.openEntry(number: 2))
        failure = try #require(try other.verifier().verify().failure)
        #expect(failure.commit == reusing)
        #expect(failure.problem == .openedTwice(IncidentNumber(2)!))
    }

    @Test func jobsVerifyAndAJobsCommitThatTouchesAnIncidentOrSkipsANumberIsReported() async throws {
        let audit = try TemporaryAudit()
        try await audit.writeHistory(incidents: 1)
        let store = try audit.otherStore()
        let job = try await store.openJob(runbook: "cert-check", path: "runbooks/cert-check.md", actor: "schedule")
        #expect(job.number.description == "JOB0000001")
        let run = "jobs/000/00/JOB0000001/runs/1/run.json"
        let trailers = [Trailer(.run, "JOB0000001-1"), Trailer(.runState, "running")]
        try await store.appendEvent(.init(name: .runStarted, subject: "run JOB0000001-1 started",
                                          files: [.write(path: run, contents: Data("{}".utf8))], trailers: trailers, actor: "schedule"), to: job.number)
        #expect(try await store.openJob(runbook: "cert-check", path: "runbooks/cert-check.md", actor: "bob").number.description == "JOB0000002")
        // A schedule's instant is claimed once: again, or an earlier one, is refused whichever store asks.
        let instant = Date(timeIntervalSince1970: 1_893_456_000)
        _ = try await store.openJob(runbook: "nightly", path: "runbooks/nightly.md", actor: "schedule", scheduledFor: instant)
        let second = try IncidentStore(auditLog: audit.auditLog)
        await #expect(throws: IncidentStoreError.self) {
            try await second.openJob(runbook: "nightly", path: "runbooks/nightly.md", actor: "schedule", scheduledFor: instant)
        }
        await #expect(throws: IncidentStoreError.self) {
            try await store.openJob(runbook: "nightly", path: "runbooks/nightly.md", actor: "schedule", scheduledFor: instant - 60)
        }
        #expect(second.lastScheduled("nightly") == instant)
        let clean = try audit.verifier().verify(full: true)
        #expect(clean.failure == nil, "\(String(describing: clean.failure))")
        let restarted = try await IncidentStore(auditLog: audit.auditLog).openJob(runbook: "x", path: "runbooks/x.md", actor: "a")
        #expect(restarted.number.description == "JOB0000004", "a restarted store goes on from the highest job")

        // A job's event that writes an incident's record: named, with what it changed.
        let forged = AuditEntry(
            changes: [.write(path: "incidents/000/00/INC0000001/record.md", contents: Data("---\n".utf8))],
            message: "JOB0000001: step ended", trailers: [Trailer(.job, "JOB0000001"), Trailer(.event, "step-ended"), Trailer(.actor, "mallory"),
                                                            Trailer(.run, "JOB0000001-1"), Trailer(.runState, "running")],
            author: Signature(name: "mallory", email: "mallory@runbook", time: Date()))
        let bad = try audit.append(forged)
        let failure = try #require(try audit.verifier().verify().failure)
        #expect(failure.commit == bad)
        #expect(failure.problem == .unexpectedFiles(expected: "jobs/000/00/JOB0000001/runs/1/…",
                                                    changed: ["incidents/000/00/INC0000001/record.md"]))

        let other = try TemporaryAudit()
        try await other.writeHistory(incidents: 1)
        let skipping = JobRecord(number: IncidentNumber(5, series: .job)!, runbook: "x", runbookPath: "runbooks/x.md", requestedBy: "m",
                                 createdAt: Date())
        let gap = try other.append(try AuditRecord.entry(creating: skipping, actor: "mallory", at: Date()))
        let gapFailure = try #require(try other.verifier().verify().failure)
        #expect(gapFailure.commit == gap)
        #expect(gapFailure.problem == .numberGap(opened: IncidentNumber(5, series: .job)!, expected: .firstJob))
    }

    @Test func aRewrittenCommitIsCaughtAfterAVerifiedRun() async throws {
        let audit = try TemporaryAudit()
        try await audit.writeHistory(incidents: 3)
        let verified = try audit.verifier(at: Date(timeIntervalSince1970: 1_800_000_000)).verify()
        #expect(verified.succeeded)
        let original = try audit.repository.history("audit").reversed().map(\.self)
        // Someone rewrites the second commit (INC0000002's opening, a different caller) and replays the rest on
        // top: every commit of the new history is well-formed on its own.
        var parent: ObjectID? = original[0].id
        var rewritten: [ObjectID] = []
        for commit in original.dropFirst() {
            let change = try #require(try audit.repository.changedFiles(from: commit.parents[0], to: commit.id).first)
            var contents = try audit.repository.readBlob(#require(change.blob))
            if rewritten.isEmpty {
                contents = Data(String(decoding: contents, as: UTF8.self).replacingOccurrences(of: "Disk almost full", with: "Disk quite full").utf8)
            }
            let id = try audit.repository.writeCommit(
                changes: [.write(path: change.path, contents: contents)], parent: parent, author: commit.author, message: commit.message)
            rewritten.append(id)
            parent = id
        }
        try audit.repository.moveBranch("audit", to: rewritten.last!, expected: verified.head)

        let report = try audit.verifier().verify()
        let failure = try #require(report.failure)
        #expect(failure.commit == rewritten[0], "the first commit that differs from the verified history")
        #expect(failure.description.contains(
            "history rewritten: \(verified.head!.short), recorded by refs/runbook/verified/audit on 2027-01-15T08:00:00.000Z, is no longer in the history of audit; anchors that disagree: refs/runbook/verified/audit"))
        // A full run does not forgive it, and the new history alone would have passed.
        #expect(try audit.verifier().verify(full: true).failure == failure)
        try audit.git(["update-ref", "-d", "refs/runbook/verified/audit"])
        #expect(try audit.verifier().verify().succeeded)
    }

    @Test func droppingTheLastEventsIsARewriteToo() async throws {
        let audit = try TemporaryAudit()
        try await audit.writeHistory(incidents: 3)
        let verified = try audit.verifier().verify()
        let head = try #require(verified.head)
        let older = try audit.repository.resolve("audit~2")
        try audit.repository.moveBranch("audit", to: older, expected: head)
        let failure = try #require(try audit.verifier().verify().failure)
        #expect(failure.commit == older)
        guard case .historyRewritten(_, _, head, _, movedBack: true) = failure.problem else {
            Issue.record("expected a rewrite by moving back, got \(failure.problem)")
            return
        }
    }

    @Test func laterRunsCheckOnlyNewCommitsUnlessFull() async throws {
        let audit = try TemporaryAudit()
        let store = try IncidentStore(auditLog: audit.auditLog)
        for index in 0..<5 { _ = try await store.open(.alert("fp\(index)"), actor: "am") }
        let first = try audit.verifier().verify()
        #expect(first.commitsChecked == 5)
        _ = try await store.open(.alert("fp9"), actor: "am")
        _ = try await store.apply(.noteAdded("on it"), to: IncidentNumber(2)!, actor: "alice")

        let second = try audit.verifier().verify()
        #expect(second.succeeded)
        #expect(second.since == first.head)
        #expect(second.commitsChecked == 2)
        #expect(second.incidents == 6, "the numbering continues from the verified head")
        #expect(try audit.verifier().verify().commitsChecked == 0)
        let full = try audit.verifier().verify(full: true)
        #expect(full.commitsChecked == 7)
        #expect(full.since == nil)

        // The number sequence is recovered at the mark: a gap right after it is still caught.
        let gap = try audit.append(try audit.openEntry(number: 8))
        #expect(try audit.verifier().verify().failure?.commit == gap)
    }

    @Test func progressIsReportedForLongHistories() async throws {
        let audit = try TemporaryAudit()
        let store = try IncidentStore(auditLog: audit.auditLog)
        for index in 0..<7 { _ = try await store.open(.alert("fp\(index)"), actor: "am") }
        var calls: [Int] = []
        _ = try audit.verifier().verify(progressInterval: 3) { calls.append($0) }
        #expect(calls == [3, 6])
    }
}

extension TemporaryAudit {
    /// The verifier as `runbook audit verify` makes it: this audit's signers and data directory anchor, if any.
    func verifier(at time: Date = Date()) throws -> AuditVerifier {
        AuditVerifier(repository: repository, signers: try signers(), anchor: anchor, clock: { time })
    }

    /// `incidents` opens through the store, then a note and a transition on the first and a repeated alert.
    func writeHistory(incidents: Int) async throws {
        let store = try IncidentStore(auditLog: auditLog)
        for index in 0..<incidents {
            _ = try await store.open(.alert("fp\(index)"), actor: "alertmanager")
        }
        let one = IncidentNumber(1)!
        guard incidents >= 2 else { return }
        _ = try await store.apply(.noteAdded("looking"), to: one, actor: "alice")
        _ = try await store.apply(.transitioned(to: .inProgress), to: one, actor: "alice")
        _ = try await store.open(.alert("fp1"), actor: "alertmanager")
    }

    /// How many commits the audit branch has.
    func commitCount() throws -> Int {
        try repository.history("audit").count
    }

    /// The entry the store would write for `event` on the incident as it is at the head.
    func entry(_ event: IncidentEvent, on number: IncidentNumber) throws -> AuditEntry {
        let head = try #require(try auditLog.head())
        var incident = try IncidentRecordFile.parse(repository.readFile(IncidentRecordFile.path(for: number), at: head))
        try incident.apply(event, at: Date(), actor: "alice")
        return AuditRecord.entry(for: incident, event: event, actor: "alice", subject: "note", at: Date())
    }

    /// A well-formed `opened` entry for `number`, whatever numbers exist, made at `time`.
    func openEntry(number: Int, at time: Date = Date()) throws -> AuditEntry {
        let opening = IncidentOpening(
            number: IncidentNumber(number)!, shortDescription: "Forged", slaTargets: SLAPolicy.standard.targets(for: .moderate))
        let incident = try Incident(opening: opening, at: time, actor: "mallory")
        return AuditRecord.entry(for: incident, event: .opened(opening), actor: "mallory", subject: "opened", at: time)
    }

    /// Commits `entry` on the audit branch as the audit log does, bypassing the store's checks.
    @discardableResult
    func append(_ entry: AuditEntry) throws -> ObjectID {
        try auditLog.append { _ in ([entry], ()) }.commits[0]
    }
}
