import Foundation
import ITIL
import StoreTestSupport
import Testing
import Wiki

/// The incident store on a real git repository: numbering, dedup, durability, recovery, several writers.
@Suite(.timeLimit(.minutes(2)))
struct IncidentStoreTests {
    @Test func openingCommitsTheRecordWithTrailers() async throws {
        let audit = try TemporaryAudit()
        let store = try IncidentStore(auditLog: audit.auditLog)
        let (incident, created) = try await store.open(.alert("fp1"), actor: "alertmanager")
        #expect(created)
        #expect(incident.number.description == "INC0000001")
        #expect(incident.priority == .high, "impact 2 (default) x urgency 1 (critical)")
        let head = try #require(try audit.auditLog.head())
        let commit = try audit.repository.commit(head)
        #expect(commit.summary.hasPrefix("INC0000001: opened (P2): Disk almost full on db1"))
        #expect(commit.trailers.contains(Trailer("Incident", "INC0000001")))
        #expect(commit.trailers.contains(Trailer("Event", "opened")))
        #expect(commit.trailers.contains(Trailer("Actor", "alertmanager")))
        #expect(commit.trailers.contains(Trailer("Alert", "alertmanager/fp1")))
        let file = try audit.repository.readFile("incidents/000/00/INC0000001/record.md", at: head)
        #expect(try IncidentRecordFile.parse(file) == incident)
        // What people use to review it.
        #expect(try audit.git(["log", "--oneline", "audit"]).output.contains("INC0000001: opened"))
    }

    @Test func aRepeatedAlertAddsAnOccurrenceUntilTheIncidentIsResolved() async throws {
        let audit = try TemporaryAudit()
        let store = try IncidentStore(auditLog: audit.auditLog)
        let first = try await store.open(.alert("fp1"), actor: "am")
        let again = try await store.open(.alert("fp1"), actor: "am")
        #expect(!again.created)
        #expect(again.incident.number == first.incident.number)
        #expect(again.incident.alerts.first?.occurrences == 2)
        let other = try await store.open(.alert("fp2"), actor: "am")
        #expect(other.created)
        _ = try await store.apply(.transitioned(to: .resolved, code: .solutionProvided, notes: "cleaned"), to: first.incident.number, actor: "alice")
        let afterResolve = try await store.open(.alert("fp1"), actor: "am")
        #expect(afterResolve.created, "a resolved incident does not swallow a new alert")
        #expect(afterResolve.incident.number.description == "INC0000003")
    }

    @Test func refusedChangesWriteNothing() async throws {
        let audit = try TemporaryAudit()
        let store = try IncidentStore(auditLog: audit.auditLog)
        let number = try await store.open(.alert("fp1"), actor: "am").incident.number
        let head = try audit.auditLog.head()
        await #expect(throws: IncidentError.self) {
            try await store.apply(.transitioned(to: .resolved), to: number, actor: "alice")
        }
        await #expect(throws: IncidentError.self) {
            try await store.apply(.transitioned(to: .closed), to: number, actor: "alice")
        }
        let unknown = try #require(IncidentNumber(99))
        await #expect(throws: IncidentStoreError.self) {
            try await store.apply(.noteAdded("hello"), to: unknown, actor: "alice")
        }
        #expect(try audit.auditLog.head() == head)
        #expect(try store.incident(number).state == .new)
    }

    @Test func aRestartedStoreEqualsTheOneBefore() async throws {
        let audit = try TemporaryAudit()
        let store = try IncidentStore(auditLog: audit.auditLog)
        for index in 0..<20 {
            _ = try await store.open(.alert("fp\(index % 7)", summary: "alert \(index)"), actor: "am")
        }
        let two = try #require(IncidentNumber(2))
        _ = try await store.apply(.noteAdded("looking"), to: two, actor: "alice")
        _ = try await store.apply(.transitioned(to: .onHold, reason: .awaitingVendor), to: two, actor: "alice")
        let before = store.incidents()
        let restarted = try audit.otherStore()
        #expect(restarted.incidents() == before)
        #expect(before.count == 7)
        // Dedup state survives too.
        #expect(try await restarted.open(.alert("fp3"), actor: "am").created == false)
    }

    @Test func aThousandConcurrentOpensGetAThousandNumbers() async throws {
        let audit = try TemporaryAudit()
        let store = try IncidentStore(auditLog: audit.auditLog)
        let numbers = try await withThrowingTaskGroup(of: IncidentNumber.self) { group in
            for index in 0..<1000 {
                group.addTask { try await store.open(.alert("fp\(index)"), actor: "load").incident.number }
            }
            return try await group.reduce(into: [IncidentNumber]()) { $0.append($1) }
        }
        #expect(Set(numbers).count == 1000)
        #expect(numbers.max()?.description == "INC0001000")
        // The opens that waited for one batch share its commit: far fewer commits than events, each event its own
        // record change that `git log -- <folder>` lists.
        let commits = Int(try audit.git(["rev-list", "--count", "audit"]).output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(commits >= 1 && commits < 500, "\(commits) commits for 1,000 events")
        let history = try audit.git(["log", "--format=%H", "audit", "--", IncidentRecordFile.folder(for: IncidentNumber(500)!)])
        #expect(history.output.split(separator: "\n").count == 1, "one commit changes INC0000500's folder")
        let fsck = try audit.git(["fsck", "--strict", "--no-dangling"])
        #expect(fsck.status == 0, "\(fsck.output)")
    }

    @Test func twoWritersOnTheSameRepositoryNeverShareANumber() async throws {
        let audit = try TemporaryAudit()
        let first = try IncidentStore(auditLog: audit.auditLog)
        let second = try audit.otherStore()
        let numbers = try await withThrowingTaskGroup(of: IncidentNumber.self) { group in
            for index in 0..<100 {
                let store = index.isMultiple(of: 2) ? first : second
                group.addTask { try await store.open(.alert("fp\(index)"), actor: "w\(index % 2)").incident.number }
            }
            return try await group.reduce(into: [IncidentNumber]()) { $0.append($1) }
        }
        #expect(Set(numbers).count == 100)
        #expect(numbers.max()?.description == "INC0000100")
        // Each catches up with the other's incidents before answering.
        try await first.refresh()
        #expect(first.incidents().count == 100)
        // And dedups against them: fp1 was opened by the second writer.
        #expect(try await first.open(.alert("fp1"), actor: "w0").created == false)
    }

    @Test func anotherProcessesCommitsAreCaughtUpBeforeTheNextWrite() async throws {
        let audit = try TemporaryAudit()
        let store = try IncidentStore(auditLog: audit.auditLog)
        _ = try await store.open(.alert("fp1"), actor: "am")
        // Another process (a second store on its own Repository) opens an incident in between.
        let other = try audit.otherStore()
        _ = try await other.open(.alert("fp2"), actor: "other")
        let third = try await store.open(.alert("fp3"), actor: "am")
        #expect(third.incident.number.description == "INC0000003")
        #expect(try store.incident(#require(IncidentNumber(2))).alerts.first?.key == "fp2")
    }

    @Test func aCorruptRecordStopsStartUpUnlessSkipped() async throws {
        let audit = try TemporaryAudit()
        let store = try IncidentStore(auditLog: audit.auditLog)
        _ = try await store.open(.alert("fp1"), actor: "am")
        _ = try await store.open(.alert("fp2"), actor: "am")
        let head = try audit.auditLog.head()
        try audit.repository.commit(
            changes: [.write(path: "incidents/000/00/INC0000002/record.md", contents: Data("---\n{ \"number\": \n---\n".utf8))],
            to: "audit", expectedParent: head, author: Signature(name: "vandal", email: "v@example.com"), message: "Break a record")
        #expect {
            _ = try audit.otherStore()
        } throws: { error in
            "\(error)".contains("INC0000002/record.md")
        }
        let tolerant = try IncidentStore(auditLog: AuditLog(repository: Repository.open(audit.path)), skippingCorrupt: true)
        #expect(tolerant.incidents().map(\.number.description) == ["INC0000001"])
        #expect(tolerant.skipped.count == 1)
    }

    @Test func sweepRecordsBreachesAndClosesResolvedIncidents() async throws {
        let audit = try TemporaryAudit()
        let clock = TestClock()
        let store = try IncidentStore(auditLog: audit.auditLog, clock: { clock.now })
        let p1 = try await store.open(IncidentRequest(shortDescription: "down", impact: .high, urgency: .high), actor: "alice").incident
        let done = try await store.open(IncidentRequest(shortDescription: "fixed", impact: .low, urgency: .low), actor: "alice").incident
        _ = try await store.apply(.transitioned(to: .resolved, code: .solutionProvided, notes: "ok"), to: done.number, actor: "alice")
        #expect(try await store.sweep().isEmpty)
        clock.advance(16 * 60)
        let swept = try await store.sweep()
        #expect(swept.map(\.number) == [p1.number])
        #expect(try store.incident(p1.number).sla.hasBreached(.response))
        #expect(try await store.sweep().isEmpty, "a breach is recorded once")
        clock.advance(72 * 3600)
        let later = try await store.sweep()
        #expect(try store.incident(done.number).state == .closed)
        #expect(later.contains { $0.number == done.number })
        #expect(try store.incident(p1.number).sla.hasBreached(.resolution))
    }
}
