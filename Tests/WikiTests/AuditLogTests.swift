import Foundation
import Testing
import Wiki

/// The append-only audit writer: chains, compare-and-swap against writers that skip the lock, stale locks.
@Suite struct AuditLogTests {
    private func entry(_ name: String) -> AuditEntry {
        AuditEntry(changes: [.write(path: "events/\(name).md", contents: Data(name.utf8))], message: "Event \(name)",
                   trailers: [Trailer("Event", name)], author: People.alice)
    }

    @Test func appendsABatchAsAChainOfCommitsOnAnOrphanBranch() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"))
        try repository.write(["runbooks/a.md": "a"])
        let log = try AuditLog(repository: repository)
        let (commits, seen) = try log.append { head in ([entry("one"), entry("two"), entry("three")], head) }
        #expect(seen == nil, "the branch did not exist")
        #expect(commits.count == 3)
        #expect(try log.head() == commits.last)
        #expect(try repository.commit(commits[0]).parents.isEmpty, "orphan: no parent from main")
        #expect(try repository.commit(commits[2]).parents == [commits[1]])
        #expect(try repository.commit(commits[1]).trailers == [Trailer("Event", "two")])
        #expect(try log.commits(after: commits[0], upTo: commits[2]).map(\.id) == Array(commits[1...]))
        #expect(try log.commits(after: nil, upTo: commits[2]).map(\.id) == commits)
        // An empty plan writes nothing.
        #expect(try log.append { _ in ([], ()) }.commits.isEmpty)
        #expect(try log.head() == commits.last)
    }

    @Test func aWriterThatSkipsTheLockIsNeverOverwritten() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let log = try AuditLog(repository: repository)
        let first = try log.append { _ in ([entry("first")], ()) }.commits[0]
        var heads: [ObjectID?] = []
        var foreign: ObjectID?
        let (commits, _) = try log.append { head in
            heads.append(head)
            if foreign == nil {
                // Someone commits with plain git while this writer is planning on `head`.
                foreign = try repository.commit(changes: [.write(path: "manual.md", contents: Data())], to: "audit",
                                                expectedParent: head, author: People.bob, message: "Manual edit")
            }
            return ([entry("mine")], ())
        }
        #expect(heads == [first, foreign], "planned again on the new head")
        #expect(try repository.commit(commits[0]).parents == [foreign!])
        #expect(try repository.files(at: commits[0]).map(\.path).contains("manual.md"))
    }

    @Test func aRewrittenHistoryIsReported() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let log = try AuditLog(repository: repository)
        let seen = try log.append { _ in ([entry("one"), entry("two")], ()) }.commits[1]
        // Rewrite: point audit at a different history.
        let replacement = try repository.writeCommit(
            changes: [.write(path: "x.md", contents: Data())], parent: nil, author: People.bob, message: "Replacement")
        try repository.moveBranch("audit", to: replacement, expected: seen)
        #expect(throws: WikiError.historyRewritten(branch: "audit", missing: seen)) {
            try log.commits(after: seen, upTo: replacement)
        }
    }

    @Test func aLockFileLeftByAKilledProcessIsCleared() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let log = try AuditLog(repository: repository)
        _ = try log.append { _ in ([entry("one")], ()) }
        let lockPath = repository.gitDirectory + "/refs/heads/audit.lock"
        #expect(FileManager.default.createFile(atPath: lockPath, contents: Data("0000000000000000000000000000000000000000\n".utf8)))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: lockPath)
        let commits = try log.append { _ in ([entry("two")], ()) }.commits
        #expect(try log.head() == commits.last)
        #expect(!FileManager.default.fileExists(atPath: lockPath))
    }
}

/// Commits built in the memory buffer must be the trees git would build.
@Suite struct BufferedWriteTests {
    @Test func treesAreInGitOrderAndFsckClean() throws {
        try #require(GitCLI.isAvailable)
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let log = try AuditLog(repository: repository)
        let names = ["a/x.md", "a.b", "a-c", "a0", "b/c/d.md", "b.md", "exec.sh", "z/deep/er/file"]
        let first = try log.append { _ in
            ([AuditEntry(changes: names.map { .write(path: $0, contents: Data($0.utf8), executable: $0.hasSuffix(".sh")) },
                         message: "Many names", author: People.alice)], ())
        }.commits[0]
        let second = try log.append { _ in
            ([AuditEntry(changes: [.delete(path: "b/c/d.md"), .write(path: "a/y.md", contents: Data("y".utf8))],
                         message: "Delete the only file of a folder", author: People.bob)], ())
        }.commits[0]
        #expect(try repository.files(at: first).map(\.path) == names.sorted())
        #expect(try repository.files(at: second).map(\.path).contains("a/y.md"))
        #expect(!(try repository.files(at: second).map(\.path).contains { $0.hasPrefix("b/") }), "the emptied folder is gone")
        #expect(try repository.files(at: first, under: "exec.sh").first?.mode == .executable)
        try GitCLI.run(["fsck", "--strict", "--no-dangling"], in: repository.gitDirectory)
        // The same changes through libgit2's own writer give the same tree.
        let plain = try Repository.create(at: scratch.path("plain"), bare: true)
        let plainCommit = try plain.commit(
            changes: names.map { .write(path: $0, contents: Data($0.utf8), executable: $0.hasSuffix(".sh")) }, to: "audit",
            expectedParent: nil, author: People.alice, message: "Many names")
        #expect(try plain.commit(plainCommit).tree == repository.commit(first).tree)
        // And a commit that changes trees the audit writer kept from the first one.
        let plainSecond = try plain.commit(
            changes: [.delete(path: "b/c/d.md"), .write(path: "a/y.md", contents: Data("y".utf8))], to: "audit",
            expectedParent: plainCommit, author: People.bob, message: "Delete the only file of a folder")
        #expect(try plain.commit(plainSecond).tree == repository.commit(second).tree)
    }
}
