import Foundation
import Testing
import Wiki

@Suite struct CommitTests {
    @Test func firstCommitOnAnUnbornBranch() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let id = try repository.commit(
            changes: [.write(path: "a.md", contents: Data("a".utf8))], to: "main", expectedParent: nil,
            author: People.alice, committer: People.bob, message: "First")
        #expect(try repository.branchHead("main") == id)
        let commit = try repository.commit(id)
        #expect(commit.parents.isEmpty)
        #expect(commit.author == People.alice)
        #expect(commit.committer == People.bob)
    }

    @Test func orphanBranchLeavesMainAlone() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let main = try repository.write(["runbooks/db.md": "db"])
        let audit = try repository.commit(
            changes: [.write(path: "events/1.json", contents: Data("{}".utf8))], to: "audit", expectedParent: nil,
            author: People.bob, message: "Incident opened")
        #expect(try repository.branchHead("main") == main)
        #expect(try repository.branchHead("audit") == audit)
        #expect(try repository.commit(audit).parents.isEmpty)
        #expect(try repository.files(at: audit).map(\.path) == ["events/1.json"])
        #expect(try repository.files(at: main).map(\.path) == ["runbooks/db.md"])
        #expect(try repository.currentBranch() == "main")
    }

    @Test func expectedParentNilWhenTheBranchExistsIsBranchMoved() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let head = try repository.write(["a.md": "a"])
        #expect(throws: WikiError.branchMoved(branch: "main", expected: nil, actual: head)) {
            try repository.commit(changes: [], to: "main", expectedParent: nil, author: People.alice, message: "Again")
        }
        #expect(try repository.branchHead("main") == head)
    }

    @Test func expectedParentOnAMissingBranchIsBranchMoved() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let head = try repository.write(["a.md": "a"])
        #expect(throws: WikiError.branchMoved(branch: "audit", expected: head, actual: nil)) {
            try repository.commit(changes: [], to: "audit", expectedParent: head, author: People.alice, message: "Event")
        }
        #expect(try repository.branchHead("audit") == nil)
    }

    @Test func expectedParentThatIsNotACommit() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        _ = try repository.write(["a.md": "a"])
        let ghost = try #require(ObjectID(hex: String(repeating: "0", count: 39) + "1"))
        #expect(throws: WikiError.revisionNotFound(ghost.hex)) {
            try repository.commit(changes: [], to: "main", expectedParent: ghost, author: People.alice, message: "Event")
        }
    }

    @Test func emptyChangesKeepTheTree() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let first = try repository.write(["a.md": "a"])
        let second = try repository.commit(changes: [], to: "main", expectedParent: first, author: People.alice, message: "Note")
        #expect(try repository.commit(second).tree == repository.commit(first).tree)
        #expect(try repository.commit(second).parents == [first])
    }

    @Test func deletingTheLastFileOfADirectoryRemovesIt() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        _ = try repository.write(["dir/only.md": "x", "top.md": "t"])
        let head = try repository.write([:], deleting: ["dir/only.md"])
        #expect(try repository.files(at: head).map(\.path) == ["top.md"])
        #expect(try repository.files(at: head, under: "dir").isEmpty)
    }

    @Test func changesAreCheckedAgainstTheParentTree() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let head = try repository.write(["dir/file.md": "x", "plain.md": "p"])
        func attempt(_ change: FileChange) throws {
            try repository.commit(changes: [change], to: "main", expectedParent: head, author: People.alice, message: "Change")
        }
        #expect(throws: WikiError.invalidPath("missing.md", reason: "the file does not exist in the parent commit")) {
            try attempt(.delete(path: "missing.md"))
        }
        #expect(throws: WikiError.invalidPath("dir", reason: "the path is a directory, not a file")) {
            try attempt(.delete(path: "dir"))
        }
        #expect(throws: WikiError.invalidPath("dir", reason: "the path is a directory in the parent commit")) {
            try attempt(.write(path: "dir", contents: Data()))
        }
        #expect(throws: WikiError.invalidPath("plain.md/x", reason: "'plain.md' is a file in the parent commit")) {
            try attempt(.write(path: "plain.md/x", contents: Data()))
        }
        #expect(throws: WikiError.invalidPath("a.md", reason: "the path is changed more than once")) {
            try repository.commit(
                changes: [.write(path: "a.md", contents: Data()), .delete(path: "a.md")], to: "main", expectedParent: head,
                author: People.alice, message: "Twice")
        }
        #expect(throws: WikiError.invalidPath("new/x.md", reason: "'new' is changed as a file in the same commit")) {
            try repository.commit(
                changes: [.write(path: "new", contents: Data()), .write(path: "new/x.md", contents: Data())], to: "main",
                expectedParent: head, author: People.alice, message: "Clash")
        }
        #expect(try repository.branchHead("main") == head)
    }

    @Test func invalidPathsAreRejected() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        for path in ["../x", "/abs", "a//b", ".git/config", "", "a/.GIT/x", "a/./b", "dir/", "nul\0byte"] {
            #expect(throws: WikiError.self, "\(path)") {
                try repository.commit(
                    changes: [.write(path: path, contents: Data())], to: "main", expectedParent: nil, author: People.alice,
                    message: "Bad")
            }
            do {
                try repository.commit(
                    changes: [.write(path: path, contents: Data())], to: "main", expectedParent: nil, author: People.alice,
                    message: "Bad")
            } catch let WikiError.invalidPath(rejected, _) {
                #expect(rejected == path)
            }
        }
        #expect(try repository.branchHead("main") == nil)
        #expect(throws: WikiError.self) { try repository.readFile("../x", at: ObjectID(hex: String(repeating: "1", count: 40))!) }
    }

    @Test func invalidBranchNamesAreRejected() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        for branch in ["", "a..b", "with space", "ends.lock", "x~1", "a:b", "-/", "trailing/"] {
            #expect(throws: WikiError.invalidBranchName(branch)) {
                try repository.commit(changes: [], to: branch, expectedParent: nil, author: People.alice, message: "Bad")
            }
        }
        #expect(throws: WikiError.invalidBranchName("a..b")) { try repository.branchHead("a..b") }
    }

    @Test func messagesAndTrailersAreValidated() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        func attempt(_ message: String, _ trailers: [Trailer]) throws {
            try repository.commit(changes: [], to: "main", expectedParent: nil, author: People.alice, message: message, trailers: trailers)
        }
        #expect(throws: WikiError.invalidCommitMessage(reason: "the message is empty")) { try attempt(" \n", []) }
        #expect(throws: WikiError.self) { try attempt("m", [Trailer("Bad Key", "v")]) }
        #expect(throws: WikiError.self) { try attempt("m", [Trailer("", "v")]) }
        #expect(throws: WikiError.self) { try attempt("m", [Trailer("Key", "two\nlines")]) }
        #expect(throws: WikiError.self) { try attempt("m", [Trailer("Key", "")]) }
        #expect(throws: WikiError.self) { try attempt("m", [Trailer("Key", " padded")]) }
        #expect(try repository.branchHead("main") == nil)
    }

    @Test func trailersRoundTripAndGitSeesThem() throws {
        let scratch = try Scratch()
        let path = scratch.path("wiki.git")
        let repository = try Repository.create(at: path, bare: true)
        let trailers = [Trailer("Incident", "INC-42"), Trailer("Event-Type", "opened"), Trailer("Severity", "sev: 1")]
        let id = try repository.commit(
            changes: [.write(path: "events/42.json", contents: Data("{}".utf8))], to: "audit", expectedParent: nil,
            author: People.alice, message: "Incident INC-42 opened\n\nDatabase is down.\n", trailers: trailers)
        let commit = try repository.commit(id)
        #expect(commit.trailers == trailers)
        #expect(commit.summary == "Incident INC-42 opened")
        #expect(commit.message == "Incident INC-42 opened\n\nDatabase is down.\n\nIncident: INC-42\nEvent-Type: opened\nSeverity: sev: 1\n")
        #expect(try repository.commit(id).trailers == trailers)

        try #require(GitCLI.isAvailable)
        let parsed = try GitCLI.run(["log", "-1", "--format=%(trailers:only,unfold)", "audit"], in: path)
        #expect(parsed == "Incident: INC-42\nEvent-Type: opened\nSeverity: sev: 1\n\n")
        let reflog = try GitCLI.run(["reflog", "show", "--format=%gs", "refs/heads/audit"], in: path)
        #expect(reflog.isEmpty || reflog == "runbook: Incident INC-42 opened\n")
        try GitCLI.run(["fsck", "--strict"], in: path)
    }

    @Test func reflogRecordsTheSummary() throws {
        try #require(GitCLI.isAvailable)
        let scratch = try Scratch()
        let path = scratch.path("wiki")
        let repository = try Repository.create(at: path)
        try repository.write(["a.md": "a"], message: "Add runbook A\n\nBody")
        let reflog = try GitCLI.run(["reflog", "show", "--format=%gs", "refs/heads/main"], in: path)
        #expect(reflog == "runbook: Add runbook A\n")
    }
}
