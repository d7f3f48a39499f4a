import Foundation
import ITIL
import Testing
import Wiki

/// `runbook audit verify` as an operator runs it: exit codes, the summary, and the bad commit named on stderr.
@Suite(.timeLimit(.minutes(2)))
struct AuditVerifyTests {
    /// A bare wiki at `cli.path("wiki.git")` whose audit branch holds `count` incidents opened through the store.
    private func wiki(_ cli: CLI, incidents count: Int) async throws -> Repository {
        let repository = try Repository.create(at: cli.path("wiki.git"), bare: true)
        let store = try IncidentStore(auditLog: AuditLog(repository: repository))
        for index in 0..<count {
            _ = try await store.open(IncidentRequest(shortDescription: "Disk almost full on db\(index)"), actor: "alertmanager")
        }
        return repository
    }

    @Test func aCleanBranchVerifiesThenOnlyNewCommitsAreChecked() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let repository = try await wiki(cli, incidents: 3)
        let head = try #require(try repository.branchHead("audit"))
        let result = try cli.run(["audit", "verify", "--wiki", cli.path("wiki.git")])
        #expect(result.status == 0, "\(result.stderr)")
        let unchecked = "signatures: not checked (no config/audit-signers in the wiki and no signing key in the data directory)\n"
        #expect(result.stdout == "verified 3 commits, 3 incidents, head \(head.short)\n" + unchecked)
        // The second run compares with the heads the first recorded, in the repository and outside it.
        let anchors = "anchors: refs/runbook/verified/audit, data directory (verified): all in the history\n"
        let again = try cli.run(["audit", "verify", "--wiki", cli.path("wiki.git")])
        #expect(again.stdout == "verified 0 commits after \(head.short), 3 incidents, head \(head.short)\n" + unchecked + anchors)
        let full = try cli.run(["audit", "verify", "--full", "--wiki", cli.path("wiki.git")])
        #expect(full.stdout == "verified 3 commits, 3 incidents, head \(head.short)\n" + unchecked + anchors)
    }

    @Test func aWikiWithoutAnAuditBranchHasNothingToVerify() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["init", cli.path("wiki")]).status == 0)
        let result = try cli.run(["audit", "verify", "--wiki", cli.path("wiki")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "no audit branch yet: nothing to verify\n")
    }

    @Test func aCommitMadeByHandFailsAndIsNamed() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let repository = try await wiki(cli, incidents: 2)
        let manual = try repository.commit(
            changes: [.write(path: "NOTES.md", contents: Data("rotate logs\n".utf8))], to: "audit",
            expectedParent: try repository.branchHead("audit"), author: Signature(name: "Mallory", email: "m@example.com"),
            message: "Add notes")
        let result = try cli.run(["audit", "verify", "--wiki", cli.path("wiki.git")])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "audit verify: \(manual.short) Add notes: no 'Incident:' trailer: not an incident event (a commit made by hand?)\n")

        let json = try cli.run(["audit", "verify", "--json", "--wiki", cli.path("wiki.git")])
        #expect(json.status == 1)
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(report?["ok"] as? Bool == false)
        #expect(report?["commits_checked"] as? Int == 2)
        #expect((report?["failure"] as? [String: Any])?["commit"] as? String == manual.hex)
    }

    @Test func aRewriteAfterAVerifiedRunFails() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let repository = try await wiki(cli, incidents: 2)
        let verified = try #require(try repository.branchHead("audit"))
        #expect(try cli.run(["audit", "verify", "--wiki", cli.path("wiki.git")]).status == 0)
        // The last event is replaced by one with another author: the branch no longer contains the verified head.
        let last = try repository.commit(verified)
        let change = try #require(try repository.changedFiles(from: last.parents[0], to: verified).first)
        let forged = try repository.writeCommit(
            changes: [.write(path: change.path, contents: try repository.readBlob(#require(change.blob)))], parent: last.parents[0],
            author: Signature(name: "Mallory", email: "m@example.com"), message: last.message)
        try repository.moveBranch("audit", to: forged, expected: verified)

        let result = try cli.run(["audit", "verify", "--wiki", cli.path("wiki.git")])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("audit verify: \(forged.short) \(last.summary): history rewritten: \(verified.short), recorded by refs/runbook/verified/audit on "))
        #expect(result.stderr.contains("is no longer in the history of audit; anchors that disagree: refs/runbook/verified/audit, data directory (verified)"))

        // Deleting the mark, as the old message advised, hides nothing: the data directory's anchor still disagrees.
        _ = try cli.git(cli.path("wiki.git"), ["update-ref", "-d", "refs/runbook/verified/audit"])
        let again = try cli.run(["audit", "verify", "--wiki", cli.path("wiki.git")])
        #expect(again.status == 1)
        #expect(again.stderr.contains("anchors that disagree: data directory (verified)"), "\(again.stderr)")
    }

    @Test func theEmbeddedWikiPublishesTheKeyItsAuditCommitsAreSignedWith() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let opened = try cli.run(["incidents", "open", "--summary", "Disk almost full on db1"])
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(opened.stderr.contains("created the audit signing key"), "\(opened.stderr)")
        let key = try cli.run(["audit", "key"])
        #expect(key.status == 0)
        #expect(key.stdout.hasPrefix("runbook-audit namespaces=\"git\" ssh-ed25519 "), "\(key.stdout)")
        let published = try String(contentsOfFile: cli.path(".runbook/wiki/config/audit-signers"), encoding: .utf8)
        #expect(published.contains(key.stdout), "the seeding commit publishes the key")

        let verified = try cli.run(["audit", "verify"])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("signatures: 1 signed by trusted keys\n"), "\(verified.stdout)")
        #expect(verified.stdout.contains("anchors: data directory (written): all in the history"), "\(verified.stdout)")
        // git itself accepts the signature with the published file.
        let shown = try cli.git(cli.path(".runbook/wiki"), ["-c", "gpg.ssh.allowedSignersFile=config/audit-signers", "log", "--format=%G? %GS", "audit"])
        #expect(shown == "G runbook-audit\n")

        // No remotes yet; a bad one in the data directory's config is named with the file.
        let none = try cli.run(["audit", "remotes"])
        #expect(none.status == 0 && none.stderr.contains("no audit remotes"), "\(none.stderr)")
        try "audit_remotes:\n  - name: 'bad name'\n    url: git://x/y.git\n".write(toFile: cli.path(".runbook/config.yaml"), atomically: true, encoding: .utf8)
        let bad = try cli.run(["audit", "remotes"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("config.yaml:2: audit remote name 'bad name'"), "\(bad.stderr)")
        try "audit_remote:\n  - name: backup\n".write(toFile: cli.path(".runbook/config.yaml"), atomically: true, encoding: .utf8)
        let misspelt = try cli.run(["audit", "remotes"])
        #expect(misspelt.status != 0)
        #expect(misspelt.stderr.contains("config.yaml:1: unknown setting 'audit_remote' (known: audit_remotes)"), "\(misspelt.stderr)")
    }

    @Test func verifyRemoteComparesWithTheRemotesCopyAndNamesItWhenItWasRewritten() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let repository = try await wiki(cli, incidents: 2)
        let remote = try Repository.create(at: cli.path("backup.git"), bare: true)
        _ = try cli.git(cli.path("wiki.git"), ["push", "-q", cli.path("backup.git"), "audit:audit"])
        try FileManager.default.createDirectory(atPath: cli.path(".runbook"), withIntermediateDirectories: true)
        try "audit_remotes:\n  - name: backup\n    url: \(cli.path("backup.git"))\n".write(
            toFile: cli.path(".runbook/config.yaml"), atomically: true, encoding: .utf8)

        let head = try #require(try repository.branchHead("audit"))
        let agreeing = try cli.run(["audit", "verify", "--remote", "backup", "--wiki", cli.path("wiki.git")])
        #expect(agreeing.status == 0, "\(agreeing.stderr)")
        #expect(agreeing.stdout.contains("remote backup: \(head.short) is in our history, 0 commits behind"), "\(agreeing.stdout)")

        // The copy is rewritten: one commit with no history where ours has two.
        let forged = try remote.writeCommit(changes: [], parent: nil, author: Signature(name: "mallory", email: "m@example.com"),
                                            message: "INC0000001: opened by nobody")
        try remote.moveBranch("audit", to: forged, expected: head)
        let disagreeing = try cli.run(["audit", "verify", "--remote", "backup", "--wiki", cli.path("wiki.git")])
        #expect(disagreeing.status == 1)
        #expect(disagreeing.stderr.contains("\naudit verify: the copy on remote backup (\(forged.short)) is not in the history of audit here"),
                "\(disagreeing.stderr)")

        let unknown = try cli.run(["audit", "verify", "--remote", "nowhere", "--wiki", cli.path("wiki.git")])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no audit remote 'nowhere' (known: backup)"), "\(unknown.stderr)")
    }
}
