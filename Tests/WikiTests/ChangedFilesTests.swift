import Foundation
import Testing
import Wiki

/// Comparing two commits file by file, as a wiki reload does.
@Suite struct ChangedFilesTests {
    @Test func reportsAddedModifiedAndDeletedFilesUnderAPrefix() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"))
        let first = try repository.write([
            "runbooks/a.md": "a", "runbooks/db/b.md": "b", "runbooks/db/c.md": "c", "README.md": "readme",
        ])
        let second = try repository.write(
            ["runbooks/a.md": "a2", "runbooks/db/new.md": "new", "README.md": "readme2"], deleting: ["runbooks/db/c.md"])
        let changes = try repository.changedFiles(from: first, to: second, under: "runbooks")
        #expect(changes.map(\.path) == ["runbooks/a.md", "runbooks/db/c.md", "runbooks/db/new.md"])
        #expect(changes[0].blob == (try repository.files(at: second, under: "runbooks/a.md")).first?.blob)
        #expect(changes[1].blob == nil)
        #expect(try repository.changedFiles(from: first, to: second).map(\.path).contains("README.md"))
        #expect(try repository.changedFiles(from: second, to: second, under: "runbooks").isEmpty)
    }

    @Test func aFolderThatAppearsOrDisappearsListsEveryFileInIt() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"))
        let first = try repository.write(["README.md": "readme"])
        let second = try repository.write(["runbooks/x/y.md": "y", "runbooks/z.md": "z"])
        #expect(try repository.changedFiles(from: first, to: second, under: "runbooks").map(\.path) == ["runbooks/x/y.md", "runbooks/z.md"])
        let back = try repository.changedFiles(from: second, to: first, under: "runbooks")
        #expect(back.map(\.path) == ["runbooks/x/y.md", "runbooks/z.md"])
        #expect(back.allSatisfy { $0.blob == nil })
    }
}
