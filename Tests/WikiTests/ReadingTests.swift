import Foundation
import Testing
import Wiki

@Suite struct ReadingTests {
    @Test func resolvesBranchesShasAndAncestors() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let first = try repository.write(["a.md": "one"])
        let second = try repository.write(["a.md": "two"])
        #expect(try repository.resolve("main") == second)
        #expect(try repository.resolve("refs/heads/main") == second)
        #expect(try repository.resolve(first.hex) == first)
        #expect(try repository.resolve(first.short) == first)
        #expect(try repository.resolve("main~1") == first)
        #expect(throws: WikiError.revisionNotFound("main~2")) { try repository.resolve("main~2") }
        #expect(throws: WikiError.revisionNotFound("nope")) { try repository.resolve("nope") }
        #expect(throws: WikiError.revisionNotFound("main^{tree}")) { try repository.resolve("main^{tree}") }
    }

    @Test func resolveOnAnEmptyRepository() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"))
        #expect(throws: WikiError.revisionNotFound("main")) { try repository.resolve("main") }
        #expect(throws: WikiError.revisionNotFound("HEAD")) { try repository.resolve("HEAD") }
    }

    @Test func readsFilesAtOldCommits() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let first = try repository.write(["runbooks/db.md": "v1", "README.md": "hello"])
        let second = try repository.write(["runbooks/db.md": "v2"], deleting: ["README.md"])
        #expect(try repository.text("runbooks/db.md", at: first) == "v1")
        #expect(try repository.text("README.md", at: first) == "hello")
        #expect(try repository.text("runbooks/db.md", at: second) == "v2")
        #expect(throws: WikiError.fileNotFound(path: "README.md", commit: second)) {
            try repository.readFile("README.md", at: second)
        }
        #expect(throws: WikiError.fileNotFound(path: "runbooks", commit: second)) {
            try repository.readFile("runbooks", at: second)
        }
    }

    @Test func readsBlobsAndEmptyFiles() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let head = try repository.write(["empty": "", "full": "data"])
        let entries = try repository.files(at: head)
        #expect(entries.map(\.path) == ["empty", "full"])
        #expect(try repository.readBlob(entries[0].blob) == Data())
        #expect(try repository.readBlob(entries[1].blob) == Data("data".utf8))
    }

    @Test func listsFilesRecursivelyAndUnderAPrefix() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let head = try repository.commit(
            changes: [
                .write(path: "runbooks/db/failover.md", contents: Data("f".utf8)),
                .write(path: "runbooks/web.md", contents: Data("w".utf8)),
                .write(path: "scripts/restart.sh", contents: Data("#!/bin/sh".utf8), executable: true),
                .write(path: "README.md", contents: Data("r".utf8)),
            ],
            to: "main", expectedParent: nil, author: People.alice, message: "Initial")
        let all = try repository.files(at: head)
        #expect(all.map(\.path) == ["README.md", "runbooks/db/failover.md", "runbooks/web.md", "scripts/restart.sh"])
        #expect(all.first { $0.path == "scripts/restart.sh" }?.mode == .executable)
        #expect(all.first { $0.path == "README.md" }?.mode == .file)
        #expect(try repository.files(at: head, under: "runbooks").map(\.path) == ["runbooks/db/failover.md", "runbooks/web.md"])
        #expect(try repository.files(at: head, under: "runbooks/").map(\.path) == ["runbooks/db/failover.md", "runbooks/web.md"])
        #expect(try repository.files(at: head, under: "runbooks/db").map(\.path) == ["runbooks/db/failover.md"])
        #expect(try repository.files(at: head, under: "README.md").map(\.path) == ["README.md"])
        #expect(try repository.files(at: head, under: "missing").isEmpty)
        #expect(try repository.readBlob(all[0].blob) == Data("r".utf8))
    }

    @Test func listingSkipsSubmodulesAndReportsSymlinks() throws {
        try #require(GitCLI.isAvailable)
        let scratch = try Scratch()
        let path = scratch.path("wiki")
        let repository = try Repository.create(at: path)
        try FileManager.default.createSymbolicLink(atPath: path + "/link", withDestinationPath: "target.md")
        try Data("t".utf8).write(to: URL(fileURLWithPath: path + "/target.md"))
        let gitlink = "160000,\(String(repeating: "1", count: 40)),vendor"
        try GitCLI.run(["add", "link", "target.md"], in: path)
        try GitCLI.run(["update-index", "--add", "--cacheinfo", gitlink], in: path)
        try GitCLI.run(["commit", "-q", "-m", "links"], in: path)
        let head = try repository.resolve("main")
        let entries = try repository.files(at: head)
        #expect(entries.map(\.path) == ["link", "target.md"])
        #expect(entries[0].mode == .symlink)
        #expect(try repository.readBlob(entries[0].blob) == Data("target.md".utf8))
    }
}
