import Foundation
@testable import ITIL
import StoreTestSupport
import Testing
import Wiki

/// A batch's events in few commits (``AuditBatch``): each still its own record change with its own trailers, read back
/// event by event by every reader (a restarted store, another process's store and its feed, `git log -- <folder>`,
/// the verifier), and damage to one event inside such a commit named by that event.
@Suite(.timeLimit(.minutes(1)))
struct BatchCommitTests {
    /// Opens INC0000001, then, in one batch: five opens, a note and a transition of INC0000001. The opens and the
    /// note share a commit; the transition is a second event of INC0000001, so it goes in the next commit.
    private static func writeBatch(_ audit: TemporaryAudit, _ store: IncidentStore) async throws {
        let one = try await store.open(.alert("fp0"), actor: "alertmanager").incident.number
        try await audit.holdingWriterLock { release in
            async let blocker = store.apply(.noteAdded("first look"), to: one, actor: "alice")
            try await Task.sleep(for: .milliseconds(100))
            async let opens = withThrowingTaskGroup(of: Void.self) { group in
                for index in 1...5 { group.addTask { _ = try await store.open(.alert("fp\(index)"), actor: "alertmanager") } }
                try await group.waitForAll()
            }
            try await Task.sleep(for: .milliseconds(100))
            async let note = store.apply(.noteAdded("looking"), to: one, actor: "bob")
            try await Task.sleep(for: .milliseconds(50))
            async let transition = store.apply(.transitioned(to: .inProgress), to: one, actor: "bob")
            try await Task.sleep(for: .milliseconds(100))
            release()
            _ = try await (blocker, opens, note, transition)
        }
    }

    @Test func aBatchsEventsShareACommitAndEveryReaderGetsEachBack() async throws {
        let audit = try TemporaryAudit(signed: true)
        let store = try IncidentStore(auditLog: audit.auditLog)
        let other = try audit.otherStore()
        let watching = other.feed.subscribe()
        try await Self.writeBatch(audit, store)

        let subjects = try audit.git(["log", "--format=%s", "audit"]).output.split(separator: "\n")
        #expect(subjects.count == 4, "the opening, the note alone, the batch, the transition: \(subjects)")
        #expect(subjects[1] == "INC0000001..INC0000006: 6 events (5 opened, 1 note-added)", "\(subjects)")
        let batchID = try #require(ObjectID(hex: audit.git(["rev-parse", "audit~1"]).output.trimmingCharacters(in: .whitespacesAndNewlines)))
        let batch = try audit.repository.commit(batchID)
        #expect(batch.trailers == [Trailer("Events", "6")], "git's own trailers: the count")

        // git log of one incident's folder: its own events only, each with the record as that event left it.
        let three = IncidentRecordFile.folder(for: IncidentNumber(3)!)
        #expect(try audit.git(["log", "--format=%H", "audit", "--", three]).output.split(separator: "\n") == [Substring(batch.id.hex)])
        let onesLog = try audit.git(["log", "--format=%H", "audit", "--", IncidentRecordFile.path(for: IncidentNumber(1)!)]).output
        #expect(onesLog.split(separator: "\n").count == 4, "opened, first look, looking, in progress: \(onesLog)")
        let atBatch = try IncidentRecordFile.parse(audit.repository.readFile(IncidentRecordFile.path(for: IncidentNumber(1)!), at: batch.id))
        #expect(atBatch.state == .new && atBatch.workNotes.last?.text == "looking")

        // The events read from the commit are the ones this process published.
        let parsed = AuditEvent.events(of: batch)
        #expect(parsed.map(\.index) == [0, 1, 2, 3, 4, 5])
        #expect(parsed.map(\.incident.description) == ["INC0000002", "INC0000003", "INC0000004", "INC0000005", "INC0000006", "INC0000001"])
        #expect(parsed.map(\.name) == [.opened, .opened, .opened, .opened, .opened, .noteAdded])
        #expect(parsed.last?.actor == "bob" && parsed.first?.actor == "alertmanager")
        #expect(parsed.first?.subject.hasPrefix("INC0000002: opened (P") == true)
        #expect(parsed.map(\.position.description) == (0..<6).map { "\(batch.id.hex).\($0)" })

        // Another process's store catches up and tells its subscribers event by event.
        try await other.refresh()
        var seen: [AuditEvent] = []
        while seen.count < 9, case .item(.committed(let event)) = await watching.next(timeout: .seconds(5)) { seen.append(event) }
        #expect(seen.count == 9)
        #expect(seen.filter { $0.commit == batch.id }.map(\.index) == parsed.map(\.index))
        #expect(seen.filter { $0.commit == batch.id }.map(\.trailers) == parsed.map(\.trailers))
        #expect(other.incidents() == store.incidents())

        // A restart reads the same incidents; the verifier checks every event, signatures included.
        #expect(try audit.otherStore().incidents() == store.incidents())
        let report = try audit.verifier().verify()
        #expect(report.failure == nil, "\(report.failure.map(String.init(describing:)) ?? "")")
        #expect(report.commitsChecked == 4 && report.incidents == 6)
        let fsck = try audit.git(["fsck", "--strict", "--no-dangling"])
        #expect(fsck.status == 0, "\(fsck.output)")
    }

    /// One event's trailer changed inside a batch's commit, and a paragraph dropped, are named by that event.
    @Test func tamperingWithOneEventOfABatchIsNamedByThatEvent() async throws {
        let audit = try TemporaryAudit()
        let store = try IncidentStore(auditLog: audit.auditLog)
        try await Self.writeBatch(audit, store)
        let batch = try audit.git(["rev-parse", "audit~1"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let original = try audit.git(["cat-file", "commit", batch]).output
        #expect(try audit.verifier().verify().succeeded)

        // INC0000004's State trailer says resolved; its record says new.
        let paragraphs = original.components(separatedBy: "\n\n")
        let fourth = try #require(paragraphs.firstIndex { $0.hasPrefix("INC0000004: opened") })
        var forged = paragraphs
        forged[fourth] = forged[fourth].replacingOccurrences(of: "State: new", with: "State: resolved")
        let failure = try #require(try audit.verifier().verify(full: true, afterReplacing: batch, with: forged.joined(separator: "\n\n"), in: audit).failure)
        #expect(failure.subject.hasPrefix("INC0000004: opened"))
        #expect(failure.problem == .trailerDisagrees(key: "State", trailer: "resolved", record: "new"))

        // INC0000006's opening dropped: the count no longer matches, and its record would be nobody's change.
        var dropped = paragraphs
        dropped.remove(at: try #require(paragraphs.firstIndex { $0.hasPrefix("INC0000006: ") }))
        let missing = try #require(try audit.verifier().verify(full: true, afterReplacing: batch, with: dropped.joined(separator: "\n\n"), in: audit).failure)
        #expect(missing.problem == .malformedBatch("the Events trailer says 6 events but the message has 5"))
        dropped = dropped.map { $0.replacingOccurrences(of: "Events: 6", with: "Events: 5") }
        let unclaimed = try #require(try audit.verifier().verify(full: true, afterReplacing: batch, with: dropped.joined(separator: "\n\n"), in: audit).failure)
        #expect(unclaimed.problem == .unclaimedFiles(["incidents/000/00/INC0000006/record.md"]))
    }
}

extension AuditVerifier {
    /// Replaces the commit `id` with one whose raw text is `text`, replays the commits after it on top (as a rewrite
    /// with `git filter-repo` would), and verifies. Each call starts again from the original history.
    func verify(full: Bool, afterReplacing id: String, with text: String, in audit: TemporaryAudit) throws -> AuditVerification {
        let head = try audit.git(["rev-parse", "audit"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let original = try audit.git(["rev-parse", "refs/original-audit"]).status == 0
            ? audit.git(["rev-parse", "refs/original-audit"]).output.trimmingCharacters(in: .whitespacesAndNewlines) : head
        if original == head { try audit.git(["update-ref", "refs/original-audit", head]) }
        var parent = try audit.write(commitText: text)
        let later = try audit.git(["rev-list", "--reverse", "\(id)..\(original)"]).output.split(separator: "\n")
        for commit in later {
            let raw = try audit.git(["cat-file", "commit", String(commit)]).output
            parent = try audit.write(commitText: raw.replacing(#/parent [0-9a-f]{40}/#, with: "parent \(parent)"))
        }
        try audit.git(["update-ref", "refs/heads/audit", parent])
        try audit.git(["update-ref", "-d", "refs/runbook/verified/audit"])
        return try verify(full: full)
    }
}

extension TemporaryAudit {
    /// Writes a commit object from its raw text; its id.
    func write(commitText: String) throws -> String {
        let file = path + "-commit-\(UUID().uuidString)"
        try Data(commitText.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try git(["hash-object", "-t", "commit", "-w", file])
        try #require(result.status == 0, "\(result.output)")
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
