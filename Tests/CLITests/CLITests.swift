import Foundation
import Testing

/// The CLI as a new user meets it: the real binary, real git repositories in temporary folders.
@Suite(.timeLimit(.minutes(2)))
struct CLITests {
    @Test func initSeedsOneCommitWithTheBundledRunbooks() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["init", cli.path("wiki")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Initialized wiki at"))
        #expect(try cli.git(cli.path("wiki"), ["rev-list", "--count", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        let files = try cli.git(cli.path("wiki"), ["ls-files"]).split(separator: "\n")
        #expect(files.filter { $0.hasPrefix("runbooks/") && $0.hasSuffix(".md") }.count >= 8)
        // The work tree is checked out, so a user can edit and commit right away.
        #expect(try cli.git(cli.path("wiki"), ["status", "--porcelain"]).isEmpty)
    }

    @Test func initRefusesAnExistingWiki() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["init", cli.path("wiki")]).status == 0)
        let again = try cli.run(["init", cli.path("wiki")])
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists"))
    }

    @Test func theEmbeddedWikiIsCreatedOnFirstUse() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["runbooks", "list"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("created the embedded wiki"))
        #expect(FileManager.default.fileExists(atPath: cli.path(".runbook/wiki/.git")))
        #expect(result.stdout.contains("disk-full"))
        #expect(!result.stdout.contains("BROKEN"), "bundled runbooks must all load:\n\(result.stdout)")
        // Second use opens it instead of creating it again.
        #expect(!(try cli.run(["runbooks", "list"]).stderr.contains("created")))
    }

    @Test func theBundledWikiLintsClean() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["lint"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(" 0 errors"))
    }

    @Test func lintReportsFileAndLineAndExitsOne() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["init", cli.path("wiki")]).status == 0)
        let bad = "---\ntitle: Broken\ntittle: typo\n---\n# Broken\n\n```sh {id=x colour=red}\necho hi\n```\n"
        try bad.write(toFile: cli.path("wiki/runbooks/broken.md"), atomically: true, encoding: .utf8)
        let result = try cli.run(["lint", "--wiki", cli.path("wiki")])
        #expect(result.status == 1)
        #expect(result.stdout.contains("runbooks/broken.md:3: "), "\(result.stdout)")
        #expect(result.stdout.contains("runbooks/broken.md:7: "), "\(result.stdout)")
        // The committed wiki is still clean: only the work tree has the bad page.
        #expect(try cli.run(["lint", "--wiki", cli.path("wiki"), "--revision", "HEAD"]).status == 0)
        // Given as a file, the path is taken relative to the enclosing work tree.
        let file = try cli.run(["lint", cli.path("wiki/runbooks/broken.md")])
        #expect(file.status == 1)
        #expect(file.stdout.hasPrefix("runbooks/broken.md:"), "\(file.stdout)")
    }

    @Test func lintRejectsAFileOutsideRunbooks() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try "# Loose\n\n```sh\ntrue\n```\n".write(toFile: cli.path("loose.md"), atomically: true, encoding: .utf8)
        let result = try cli.run(["lint", "loose.md"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("loose.md:1: "), "\(result.stdout)")
        #expect(result.stdout.contains("runbooks/"))
    }

    @Test func showPrintsStepsAndJSON() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let text = try cli.run(["runbooks", "show", "disk-full"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Step 1:"))
        #expect(text.stdout.contains("match:"))
        let json = try cli.run(["runbooks", "show", "disk-full", "--json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let runbook = try #require(object["runbook"] as? [String: Any])
        #expect(runbook["path"] as? String == "runbooks/disk-full.md")
        #expect(((runbook["steps"] as? [Any])?.count ?? 0) >= 2)
        #expect((object["commit"] as? String)?.count == 40)
    }

    @Test func showExplainsAnUnknownRunbook() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["runbooks", "show", "no-such-runbook"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no runbook 'no-such-runbook'"))
        #expect(result.stderr.contains("disk-full"))
    }

    @Test func matchPicksTheRunbookAndExplainsTheOthers() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["match", "--label", "alertname=DiskAlmostFull", "--label", "severity=critical",
                                  "--label", "instance=db1:9100", "--label", "env=prod"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("would run: disk-full"))
        #expect(result.stdout.contains("service-down"), "the others are listed with a reason")
        let none = try cli.run(["match", "--label", "alertname=NothingLikeThis"])
        #expect(none.status == 1)
        #expect(none.stdout.contains("would run: nothing"))
        let json = try cli.run(["match", "--label", "alertname=DiskAlmostFull", "--label", "severity=critical", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["chosen"] as? String == "disk-full")
    }

    @Test func badLabelsAndMissingWikisGetClearErrors() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let label = try cli.run(["match", "--label", "no-equals-sign"])
        #expect(label.status != 0)
        #expect(label.stderr.contains("not KEY=VALUE"))
        try FileManager.default.createDirectory(atPath: cli.path("plain"), withIntermediateDirectories: true)
        let notRepo = try cli.run(["runbooks", "list", "--wiki", cli.path("plain")])
        #expect(notRepo.status != 0)
        #expect(notRepo.stderr.contains("not a git repository"))
        let environment = try cli.run(["runbooks", "list"], environment: ["RUNBOOK_WIKI": cli.path("plain")])
        #expect(environment.status != 0, "RUNBOOK_WIKI picks the wiki")
    }
}
