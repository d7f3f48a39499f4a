import Foundation
import Testing
import Wiki

@Suite struct HistoryTests {
    @Test func historyIsNewestFirstAndLimited() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let ids = try (1...4).map { try repository.write(["n.md": "\($0)"], message: "Commit \($0)") }
        #expect(try repository.history("main").map(\.id) == ids.reversed())
        #expect(try repository.history("main", limit: 2).map(\.id) == [ids[3], ids[2]])
        #expect(try repository.history("main", limit: 0).isEmpty)
        #expect(try repository.history("main~2").map(\.id) == [ids[1], ids[0]])
        let commit = try repository.commit(ids[1])
        #expect(commit.parents == [ids[0]])
        #expect(commit.summary == "Commit 2")
        #expect(commit.message == "Commit 2\n")
        #expect(commit.author == People.alice)
        #expect(commit.committer == People.alice)
    }

    @Test func historyLimitedToAPath() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let a1 = try repository.write(["runbooks/a.md": "1", "other.md": "x"])
        let b1 = try repository.write(["runbooks/b.md": "1"])
        _ = try repository.write(["other.md": "y"])
        let a2 = try repository.write(["runbooks/a.md": "2"])
        _ = try repository.write(["runbooks/a.md": "2", "other.md": "z"])  // a.md rewritten unchanged: not a change
        let aDeleted = try repository.write([:], deleting: ["runbooks/a.md"])
        #expect(try repository.history("main", path: "runbooks/a.md").map(\.id) == [aDeleted, a2, a1])
        #expect(try repository.history("main", path: "runbooks").map(\.id) == [aDeleted, a2, b1, a1])
        #expect(try repository.history("main", path: "runbooks/", limit: 1).map(\.id) == [aDeleted])
        #expect(try repository.history("main", path: "never.md").isEmpty)
    }

    @Test func walkStopsWhenTheBodySaysSo() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        for index in 1...5 {
            try repository.write(["n.md": "\(index)"])
        }
        var seen = 0
        try repository.walk("main") { commit in
            seen += 1
            // Reading from the repository inside the walk must not deadlock.
            _ = try repository.readFile("n.md", at: commit.id)
            return seen < 3
        }
        #expect(seen == 3)
    }

    @Test func walkOfAMissingRevisionFails() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        #expect(throws: WikiError.revisionNotFound("main")) { try repository.walk("main") { _ in true } }
    }
}
