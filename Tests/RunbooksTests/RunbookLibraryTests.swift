import Foundation
import Runbooks
import Testing
import Wiki

/// Loading a wiki's runbooks from a real git repository, and reloading after a commit.
@Suite struct RunbookLibraryTests {
    /// A fresh repository in a temporary folder, removed when the test ends.
    private final class TemporaryWiki {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("runbooks-tests-\(UUID().uuidString)").path
        let repository: Repository

        init() throws { repository = try Repository.create(at: path) }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        @discardableResult
        func commit(_ files: [String: String], deleting: [String] = []) throws -> ObjectID {
            let writes = files.map { FileChange.write(path: $0.key, contents: Data($0.value.utf8)) }
            return try repository.commit(
                changes: writes + deleting.map { .delete(path: $0) }, to: "main", expectedParent: try repository.branchHead("main"),
                author: Signature(name: "Test", email: "test@example.com"), message: "Edit runbooks")
        }
    }

    private static func runbook(_ alert: String, step: String = "echo hi") -> String {
        "---\nmatch:\n  - alertname=\"\(alert)\"\n---\n# \(alert)\n\n## Check\n\n```sh\n\(step)\n```\n"
    }

    @Test func loadsEveryRunbookUnderRunbooksAndNothingElse() throws {
        let wiki = try TemporaryWiki()
        let head = try wiki.commit([
            "runbooks/disk.md": Self.runbook("Disk"),
            "runbooks/db/lag.md": Self.runbook("Lag"),
            "runbooks/notes.txt": "not a runbook",
            "README.md": "# not a runbook either",
        ])
        let library = try RunbookLibrary.load(from: wiki.repository, at: head)
        #expect(library.runbooks.map(\.id) == ["db/lag", "disk"])
        #expect(library.commit == head)
        #expect(library.runbook("db/lag")?.matchers.first?.value == "Lag")
        #expect(library.runbook("runbooks/disk.md")?.steps.first?.code == "echo hi\n")
    }

    @Test func oneBadRunbookDoesNotStopTheOthers() throws {
        let wiki = try TemporaryWiki()
        let head = try wiki.commit([
            "runbooks/good.md": Self.runbook("Good"),
            "runbooks/bad.md": "---\nmatch: [\"alertname=~\\\"(\\\"\"]\n---\n# Bad\n",
        ])
        let library = try RunbookLibrary.load(from: wiki.repository, at: head)
        #expect(library.runbooks.map(\.id) == ["good"])
        #expect(library.pages.count == 2)
        let bad = try #require(library.page("bad"))
        #expect(bad.runbook == nil)
        #expect(bad.diagnostics.contains { $0.severity == .error && $0.file == "runbooks/bad.md" && $0.line == 2 })
    }

    @Test func readsRunbooksAsTheyWereAtAnOldCommit() throws {
        let wiki = try TemporaryWiki()
        let first = try wiki.commit(["runbooks/disk.md": Self.runbook("Disk", step: "df -h")])
        try wiki.commit(["runbooks/disk.md": Self.runbook("Disk", step: "du -sh /var")])
        try wiki.commit([:], deleting: ["runbooks/disk.md"])
        let old = try RunbookLibrary.load(from: wiki.repository, at: first)
        #expect(old.runbook("disk")?.steps.first?.code == "df -h\n")
        let now = try RunbookLibrary.load(from: wiki.repository, at: wiki.repository.resolve("main"))
        #expect(now.pages.isEmpty)
    }

    @Test func reloadParsesOnlyTheFilesWhoseBlobChanged() throws {
        let wiki = try TemporaryWiki()
        let files = Dictionary(uniqueKeysWithValues: (0..<20).map { ("runbooks/r\($0).md", Self.runbook("Alert\($0)")) })
        let first = try RunbookLibrary.load(from: wiki.repository, at: try wiki.commit(files))
        #expect(first.reparsedCount == 20)

        let second = try wiki.commit(["runbooks/r7.md": Self.runbook("Alert7", step: "echo changed"), "runbooks/new.md": Self.runbook("New")],
                                     deleting: ["runbooks/r3.md"])
        let reloaded = try RunbookLibrary.load(from: wiki.repository, at: second, reusing: first)
        #expect(reloaded.reparsedCount == 2)
        #expect(reloaded.runbooks.count == 20)
        #expect(reloaded.runbook("r7")?.steps.first?.code == "echo changed\n")
        #expect(reloaded.runbook("r3") == nil)
        #expect(reloaded.runbook("new") != nil)

        // Nothing changed: nothing is parsed.
        #expect(try RunbookLibrary.load(from: wiki.repository, at: second, reusing: reloaded).reparsedCount == 0)
    }
}
