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
        #expect(result.stdout == "verified 3 commits, 3 incidents, head \(head.short)\n")
        let again = try cli.run(["audit", "verify", "--wiki", cli.path("wiki.git")])
        #expect(again.stdout == "verified 0 commits after \(head.short), 3 incidents, head \(head.short)\n")
        let full = try cli.run(["audit", "verify", "--full", "--wiki", cli.path("wiki.git")])
        #expect(full.stdout == "verified 3 commits, 3 incidents, head \(head.short)\n")
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
        #expect(result.stderr.hasPrefix("audit verify: \(forged.short) \(last.summary): history rewritten: \(verified.short), verified on "))
        #expect(result.stderr.contains("is no longer in the history of audit"))
    }
}
