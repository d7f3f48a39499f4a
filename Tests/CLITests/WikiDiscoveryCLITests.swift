import Foundation
import Testing

/// A user working in a clone of a wiki: commands use that wiki, as git uses the repository it is run in.
@Suite(.timeLimit(.minutes(2)))
struct WikiDiscoveryCLITests {
    /// A page with three errors: an unknown front-matter key (line 3), an unknown step attribute (line 7) and a
    /// timeout that is no duration (line 11).
    static let brokenPage = """
        ---
        title: Broken
        tittle: typo
        ---
        # Broken

        ```sh {id=x colour=red}
        echo hi
        ```

        ```sh {id=y timeout=soon}
        echo later
        ```

        """

    /// A wiki made by `runbook init` at `wiki/`, with `page` written (not committed) to `runbooks/NAME.md`.
    private static func wiki(_ cli: CLI, writing page: String = brokenPage, as name: String = "broken") throws {
        #expect(try cli.run(["init", cli.path("wiki")]).status == 0)
        try page.write(toFile: cli.path("wiki/runbooks/\(name).md"), atomically: true, encoding: .utf8)
    }

    /// RUNBOOK_HOME as a new user has it: unset, so `./.runbook` below wherever the command runs.
    static let defaultHome = ["RUNBOOK_HOME": ".runbook"]

    @Test func lintInAWikiWorkTreeChecksItsFilesOnDiskAndCreatesNothing() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try Self.wiki(cli)
        for folder in ["wiki", "wiki/runbooks"] {
            let result = try cli.run(["lint"], environment: Self.defaultHome, in: folder)
            #expect(result.status == 1, "in \(folder): \(result.stdout)\(result.stderr)")
            for line in [3, 7, 11] {
                #expect(result.stdout.contains("runbooks/broken.md:\(line): "), "in \(folder): \(result.stdout)")
            }
            #expect(result.stderr.contains("checked the work tree of \(cli.path("wiki")) ("), "\(result.stderr)")
            #expect(result.stderr.contains(": 3 errors"), "\(result.stderr)")
            #expect(!result.stderr.contains("created the embedded wiki"), "\(result.stderr)")
        }
        for folder in ["wiki/.runbook", "wiki/runbooks/.runbook", ".runbook"] {
            #expect(!FileManager.default.fileExists(atPath: cli.path(folder)), "\(folder) was created")
        }
        // Only the page the user wrote is new in the work tree.
        #expect(try cli.git(cli.path("wiki"), ["status", "--porcelain"]) == "?? runbooks/broken.md\n")
    }

    @Test func explicitWikiAndRevisionStillChooseWhatIsChecked() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try Self.wiki(cli)
        // The committed pages of the same wiki are clean, and the summary says that a commit was checked.
        let committed = try cli.run(["lint", "--revision", "HEAD"], environment: Self.defaultHome, in: "wiki")
        #expect(committed.status == 0, "\(committed.stdout)\(committed.stderr)")
        #expect(committed.stderr.contains("checked \(cli.path("wiki")) at HEAD ("), "\(committed.stderr)")
        // --wiki names another wiki even from inside this one.
        #expect(try cli.run(["init", cli.path("other")]).status == 0)
        let other = try cli.run(["lint", "--wiki", cli.path("other")], environment: Self.defaultHome, in: "wiki")
        #expect(other.status == 0, "\(other.stdout)\(other.stderr)")
        #expect(other.stderr.contains("checked the work tree of \(cli.path("other")) ("), "\(other.stderr)")
    }

    @Test func readingCommandsUseTheWikiTheyRunIn() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try Self.wiki(cli, writing: "---\ntitle: Only here\n---\n# Only here\n\n```sh\ntrue\n```\n", as: "only-here")
        _ = try cli.git(cli.path("wiki"), ["add", "runbooks/only-here.md"])
        _ = try cli.git(cli.path("wiki"), ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "Add a page"])
        let list = try cli.run(["runbooks", "list"], environment: Self.defaultHome, in: "wiki/runbooks")
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("only-here"), "\(list.stdout)")
        #expect(!FileManager.default.fileExists(atPath: cli.path("wiki/runbooks/.runbook")))
        // Outside any work tree the embedded wiki is still the default.
        let outside = try cli.run(["runbooks", "list"])
        #expect(outside.stderr.contains("created the embedded wiki"), "\(outside.stderr)")
        #expect(!outside.stdout.contains("only-here"))
    }
}
