import Foundation
import Testing
import Wiki

/// Committing must only touch the object database and the branch: never the work tree or the index.
@Suite struct WorkTreeTests {
    private struct Snapshot: Equatable {
        let file: Data
        let index: Data
        let status: String
    }

    private func snapshot(_ path: String) throws -> Snapshot {
        Snapshot(
            file: try Data(contentsOf: URL(fileURLWithPath: path + "/runbooks/db.md")),
            index: try Data(contentsOf: URL(fileURLWithPath: path + "/.git/index")),
            status: try GitCLI.run(["status", "--porcelain"], in: path))
    }

    /// A non-bare repository with `main` checked out (files and index written by git itself).
    private func checkedOutRepository(_ scratch: Scratch) throws -> (Repository, String) {
        try #require(GitCLI.isAvailable)
        let path = scratch.path("wiki")
        let repository = try Repository.create(at: path)
        try repository.write(["runbooks/db.md": "checked out", "README.md": "readme"])
        try GitCLI.run(["reset", "-q", "--hard", "main"], in: path)
        return (repository, path)
    }

    @Test func committingToAnotherBranchLeavesEverythingAlone() throws {
        let scratch = try Scratch()
        let (repository, path) = try checkedOutRepository(scratch)
        let before = try snapshot(path)
        #expect(before.status.isEmpty)
        try repository.commit(
            changes: [.write(path: "runbooks/db.md", contents: Data("audit".utf8)), .write(path: "new.md", contents: Data())],
            to: "audit", expectedParent: nil, author: People.alice, message: "Event")
        #expect(try snapshot(path) == before)
    }

    @Test func committingToTheCheckedOutBranchLeavesFilesAndIndexAlone() throws {
        let scratch = try Scratch()
        let (repository, path) = try checkedOutRepository(scratch)
        let before = try snapshot(path)
        let head = try repository.write(["runbooks/db.md": "changed in the database"], deleting: ["README.md"])
        let after = try snapshot(path)
        #expect(after.file == before.file)
        #expect(after.index == before.index)
        #expect(FileManager.default.fileExists(atPath: path + "/README.md"))
        #expect(try repository.branchHead("main") == head)
        #expect(try repository.text("runbooks/db.md", at: head) == "changed in the database")
    }

    @Test func checkOutHeadWritesTheWorkTreeAndIndexOfANewRepository() throws {
        try #require(GitCLI.isAvailable)
        let scratch = try Scratch()
        let path = scratch.path("wiki")
        let repository = try Repository.create(at: path)
        try repository.write(["runbooks/db.md": "seeded"])
        #expect(!FileManager.default.fileExists(atPath: path + "/runbooks/db.md"))
        try repository.checkOutHead()
        #expect(try String(contentsOfFile: path + "/runbooks/db.md", encoding: .utf8) == "seeded")
        #expect(try GitCLI.run(["status", "--porcelain"], in: path).isEmpty)
    }
}
