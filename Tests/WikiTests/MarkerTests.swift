import Foundation
import Testing
import Wiki

/// Marks of the program's own (`refs/runbook/...`), ancestry and forward walks: what audit verification builds on.
@Suite struct MarkerTests {
    private let verified = "refs/runbook/verified/audit"

    @Test func aMarkIsSetWithCompareAndSwapAndSaysWhoAndWhen() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let first = try repository.write(["a.md": "1"], to: "audit")
        let second = try repository.write(["a.md": "2"], to: "audit")
        #expect(try repository.mark(verified) == nil)

        #expect(try repository.setMark(verified, on: first, tagger: People.alice, message: "verified 1 commit", replacing: nil))
        let mark = try #require(try repository.mark(verified))
        #expect(mark.commit == first)
        #expect(mark.tagger == People.alice)
        #expect(mark.message == "verified 1 commit")
        // Another process marked first: nothing changes.
        #expect(try !repository.setMark(verified, on: second, tagger: People.bob, message: "verified", replacing: nil))
        let stale = Mark(target: second, commit: second, tagger: nil, message: "")
        #expect(try !repository.setMark(verified, on: second, tagger: People.bob, message: "verified", replacing: stale))
        #expect(try repository.mark(verified) == mark)
        #expect(try repository.setMark(verified, on: second, tagger: People.bob, message: "verified 2 commits", replacing: mark))
        #expect(try repository.mark(verified)?.commit == second)
        #expect(try repository.mark(verified)?.tagger == People.bob)

        // git reads the same: a tag object naming the commit.
        if GitCLI.isAvailable {
            #expect(try GitCLI.run(["rev-parse", verified + "^{commit}"], in: repository.gitDirectory).hasPrefix(second.hex))
            #expect(try GitCLI.run(["cat-file", "-t", verified], in: repository.gitDirectory).hasPrefix("tag"))
            #expect(try GitCLI.run(["fsck", "--strict", "--no-dangling"], in: repository.gitDirectory).isEmpty)
        }
    }

    @Test func aMarkSetByHandPointsStraightAtTheCommit() throws {
        guard GitCLI.isAvailable else { return }
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let commit = try repository.write(["a.md": "1"], to: "audit")
        try GitCLI.run(["update-ref", verified, commit.hex], in: repository.gitDirectory)
        #expect(try repository.mark(verified) == Mark(target: commit, commit: commit, tagger: nil, message: ""))
    }

    @Test func markNamesMustBeFullReferenceNames() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let commit = try repository.write(["a.md": "1"])
        for name in ["verified", "refs/runbook/a..b", "refs/runbook/x.lock", ""] {
            #expect(throws: WikiError.invalidReferenceName(name)) { try repository.mark(name) }
            #expect(throws: WikiError.invalidReferenceName(name)) {
                try repository.setMark(name, on: commit, tagger: People.alice, message: "x", replacing: nil)
            }
        }
    }

    @Test func ancestryFollowsTheHistoryAndNotARewrite() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let root = try repository.write(["a.md": "1"])
        let middle = try repository.write(["a.md": "2"])
        let head = try repository.write(["a.md": "3"])
        #expect(try repository.isAncestor(root, of: head))
        #expect(try repository.isAncestor(head, of: head))
        #expect(try !repository.isAncestor(head, of: root))
        // A rewrite: the branch replaced from the middle on.
        let rewritten = try repository.writeCommit(
            changes: [.write(path: "a.md", contents: Data("2'".utf8))], parent: root, author: People.bob, message: "Rewritten")
        #expect(try !repository.isAncestor(middle, of: rewritten))
        #expect(try repository.mergeBase(middle, rewritten) == root)
        #expect(try repository.mergeBase(head, middle) == middle)
        let orphan = try repository.writeCommit(changes: [], parent: nil, author: People.bob, message: "Orphan")
        #expect(try repository.mergeBase(orphan, head) == nil)
        #expect(try !repository.isAncestor(orphan, of: head))
        // A commit that is not in the object database is nobody's ancestor.
        let missing = try #require(ObjectID(hex: String(repeating: "ab", count: 20)))
        #expect(try !repository.isAncestor(missing, of: head))
        #expect(throws: GitError.self) { try repository.isAncestor(head, of: missing) }
    }

    @Test func walkingForwardVisitsOldestFirstAfterTheBase() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let ids = try (1...5).map { try repository.write(["n.md": "\($0)"], message: "Commit \($0)") }
        var visited: [ObjectID] = []
        try repository.walkForward(after: nil, upTo: ids[4]) { visited.append($0.id); return true }
        #expect(visited == ids)
        visited = []
        try repository.walkForward(after: ids[1], upTo: ids[4]) { visited.append($0.id); return true }
        #expect(visited == Array(ids[2...]))
        visited = []
        try repository.walkForward(after: ids[4], upTo: ids[4]) { visited.append($0.id); return true }
        #expect(visited.isEmpty)
        try repository.walkForward(after: nil, upTo: ids[4]) { visited.append($0.id); return visited.count < 2 }
        #expect(visited == Array(ids[..<2]))
    }
}
