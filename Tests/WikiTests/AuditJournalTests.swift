import Foundation
import Testing
@testable import Wiki

/// The intake journal: what a writer that died left in it reaches the branch exactly once, whoever writes next.
@Suite struct AuditJournalTests {
    private func entry(_ name: String) -> AuditEntry {
        AuditEntry(changes: [.write(path: "events/\(name).md", contents: Data("event \(name)\n".utf8))], message: "Event \(name)",
                   trailers: [Trailer("Event", name)], author: People.alice)
    }

    /// Every event's name on the branch, oldest first.
    private func events(_ log: AuditLog) throws -> [String] {
        guard let head = try log.head() else { return [] }
        return try log.commits(after: nil, upTo: head).compactMap { $0.trailers.first { $0.key == "Event" }?.value }
    }

    @Test func entriesAJournalingWriterLeftAreCommittedOnceByTheNextWriter() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let server = try AuditLog(repository: repository)
        #expect(try server.holdForJournal().acquired)
        try server.journal([entry("one"), entry("two")])
        // A commit cycle takes both and commits them, and the server dies before it deletes their segment ...
        server.sealJournal()
        _ = try server.commitJournaled([entry("one"), entry("two")])
        // ... after journaling a third in a new segment, and half of a fourth.
        try server.journal([entry("three")])
        let segments = try FileManager.default.contentsOfDirectory(atPath: server.journalFolder).sorted()
        #expect(segments.count == 2, "one segment per cycle: \(segments)")
        let torn = try FileHandle(forWritingTo: URL(fileURLWithPath: server.journalFolder + "/" + segments.last!))
        try torn.seekToEnd()
        try torn.write(contentsOf: Data([200, 0, 0, 0, 1, 2, 3, 4]) + Data("half a record".utf8))
        try torn.close()
        server.dieHoldingTheJournal()

        // A CLI writer takes the lock, commits the journal's third entry (not the first two again), then its own.
        let cli = try AuditLog(repository: Repository.open(repository.gitDirectory))
        _ = try cli.append { _ in ([entry("four")], ()) }
        #expect(try events(cli) == ["one", "two", "three", "four"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.journalFolder).isEmpty)
    }

    @Test func aServerStartingOnAJournalCommitsItBeforeReading() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let first = try AuditLog(repository: repository)
        _ = try first.append { _ in ([entry("committed")], ()) }
        _ = try first.holdForJournal()
        try first.journal([entry("a"), entry("b")])
        try first.journal([entry("c")])
        first.dieHoldingTheJournal()

        let second = try AuditLog(repository: Repository.open(repository.gitDirectory))
        try second.commitJournalLeftBehind()
        #expect(try events(second) == ["committed", "a", "b", "c"])
        // Nothing is left to commit twice.
        try second.commitJournalLeftBehind()
        #expect(try events(second).count == 4)
    }

    @Test func aDrainedJournalReleasesTheLockForOtherWriters() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let server = try AuditLog(repository: repository)
        _ = try server.holdForJournal()
        try server.journal([entry("one")])
        #expect(!server.releaseJournalIfDrained(), "an entry waits for its commit: the lock stays")
        server.sealJournal()
        let commits = try server.commitJournaled([entry("one")])
        #expect(server.retireJournal(head: commits.last), "nothing journaled since: released")
        #expect(!server.holdsJournal)
        let cli = try AuditLog(repository: Repository.open(repository.gitDirectory))
        _ = try cli.append { _ in ([entry("two")], ()) }
        #expect(try events(cli) == ["one", "two"])
    }

    @Test func aCycleThatMovedTheBranchAndThenFailedIsNotCommittedTwice() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let server = try AuditLog(repository: repository)
        _ = try server.holdForJournal()
        try server.journal([entry("one"), entry("two")])
        server.sealJournal()
        #expect(try server.committedSinceLastCycle().events == 0)
        // The cycle's commits land, and its caller hears of a failure (a sync after the branch moved): no retire.
        let commits = try server.commitJournaled([entry("one"), entry("two")])
        let landed = try server.committedSinceLastCycle()
        #expect(landed.events == 2 && landed.head == commits.last, "the next cycle skips both")
        server.retireJournal(head: landed.head)
        #expect(try server.committedSinceLastCycle().events == 0)
    }

    @Test func aSegmentThatIsNotAJournalStopsWritersWithItsPath() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let log = try AuditLog(repository: repository)
        try FileManager.default.createDirectory(atPath: log.journalFolder, withIntermediateDirectories: true)
        try Data("not a journal".utf8).write(to: URL(fileURLWithPath: log.journalFolder + "/000000000001"))
        #expect {
            try log.append { _ in ([entry("one")], ()) }
        } throws: { error in
            "\(error)".contains("000000000001: not a journal segment")
        }
        #expect(try log.head() == nil)
    }
}

extension AuditLog {
    /// What a process killed with entries in its journal leaves: the segments, and the lock released by the kernel.
    func dieHoldingTheJournal() {
        journalSession.withLock { session in
            if let descriptor = session.descriptor { lock.release(descriptor) }
            session.descriptor = nil
        }
    }
}
