import Foundation
import ITIL
import StoreTestSupport
import Synchronization
import Testing
import Wiki

/// A journaling store (the server's): writes are acknowledged once journaled, commit cycles put them on the branch
/// in few commits, subscribers hear of them once committed, and other writers get their turn once it is drained.
@Suite(.timeLimit(.minutes(1)))
struct JournalingStoreTests {
    @Test func acknowledgedWritesReachTheBranchInFewCommitsAndTheFeedAfterThem() async throws {
        let audit = try TemporaryAudit()
        let log = try AuditLog(repository: audit.repository, grouping: AuditBatch.commits(for:))
        let store = try IncidentStore(auditLog: log, journaling: true)
        let heard = Mutex<[AuditEvent]>([])
        store.feed.observe { events in heard.withLock { $0 += events } }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 1...200 {
                group.addTask {
                    _ = try await store.open(IncidentRequest(shortDescription: "disk full on host-\(index)", alert: AlertKey(source: "test", key: "disk-\(index)")),
                                             actor: "alertmanager")
                }
            }
            try await group.waitForAll()
        }
        #expect(store.counts.all == 200, "every acknowledged open is in the book at once")
        await store.drainJournal()

        let subjects = try audit.git(["log", "--format=%s", "audit"]).output.split(separator: "\n")
        let events = subjects.reduce(0) { count, subject in
            count + (subject.firstMatch(of: /: (\d+) events/).map { Int($0.1)! } ?? 1)
        }
        #expect(events == 200, "\(subjects)")
        #expect(subjects.count < 50, "commit cycles group journaled batches: \(subjects.count) commits")
        let reread = try IncidentStore(auditLog: AuditLog(repository: Repository.open(audit.path)))
        #expect(reread.counts.all == 200)
        let published = heard.withLock { $0 }
        #expect(published.count == 200)
        let branch = Set(try audit.git(["rev-list", "audit"]).output.split(separator: "\n").map(String.init))
        #expect(published.allSatisfy { branch.contains($0.commit.hex) }, "every event names the commit that carries it")
        #expect(try FileManager.default.contentsOfDirectory(atPath: log.journalFolder).isEmpty, "a drained journal holds nothing")
    }

    @Test func anotherWriterGetsItsTurnOnceTheJournalIsDrainedAndTheServerCatchesUp() async throws {
        let audit = try TemporaryAudit()
        let store = try IncidentStore(auditLog: audit.auditLog, journaling: true)
        let first = try await store.open(IncidentRequest(shortDescription: "down"), actor: "alertmanager").incident
        await store.drainJournal()
        #expect(!store.auditLog.holdsJournal, "released once drained")

        let cli = try audit.otherStore()
        _ = try await cli.apply(.noteAdded("looking at it"), to: first.number, actor: "alice")
        // The server's next write catches up with the CLI's note before it plans.
        let acknowledged = try await store.apply(.acknowledged, to: first.number, actor: "bob")
        #expect(acknowledged.workNotes.contains { $0.text == "looking at it" })
        await store.drainJournal()
        let record = try audit.otherStore().incident(first.number)
        #expect(record.workNotes.contains { $0.text == "looking at it" } && record.acknowledgedBy == "bob")
    }
}
