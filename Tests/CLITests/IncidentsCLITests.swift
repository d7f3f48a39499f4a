import Foundation
import Testing

/// `runbook incidents ...` as an on-call engineer uses it, against a real wiki repository.
@Suite(.timeLimit(.minutes(2)))
struct IncidentsCLITests {
    @Test func openDedupWorkAndResolveAnIncident() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let alert = ["--label", "alertname=DiskAlmostFull", "--label", "severity=critical", "--label", "instance=db1"]
        let opened = try cli.run(["incidents", "open", "--summary", "Disk almost full on db1", "--as", "alice"] + alert)
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(opened.stdout.contains("opened INC0000001 (P2 High)"))
        let again = try cli.run(["incidents", "open", "--summary", "Disk almost full on db1"] + alert)
        #expect(again.stdout.contains("INC0000001 is open for this alert: occurrence 2"))
        #expect(try cli.run(["incidents", "note", "INC0000001", "df shows /var at 97%", "--as", "bob"]).status == 0)
        #expect(try cli.run(["incidents", "transition", "INC0000001", "--to", "in-progress", "--as", "bob"]).status == 0)
        let resolved = try cli.run(["incidents", "transition", "INC0000001", "--to", "resolved", "--code", "Solution provided",
                                    "--notes", "rotated logs removed", "--as", "bob"])
        #expect(resolved.stdout.contains("INC0000001 is now Resolved"), "\(resolved.stderr)")

        let shown = try cli.run(["incidents", "show", "INC0000001"])
        #expect(shown.stdout.contains("| State | Resolved |"))
        #expect(shown.stdout.contains("df shows /var at 97%"))
        let json = try cli.run(["incidents", "show", "INC0000001", "--json"])
        let record = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(record["state"] as? String == "resolved")
        #expect(record["reopen_count"] as? Int == 0)

        // After resolution the same alert opens a new incident.
        #expect(try cli.run(["incidents", "open", "--summary", "Disk almost full on db1"] + alert).stdout.contains("opened INC0000002"))
        let list = try cli.run(["incidents", "list", "--state", "open"])
        #expect(list.stdout.contains("INC0000002"))
        #expect(!list.stdout.contains("INC0000001"))

        // The audit branch tells the same story to git.
        let log = try cli.git(cli.path(".runbook/wiki"), ["log", "--format=%s%n%(trailers:key=Event,valueonly)", "audit"])
        #expect(log.contains("INC0000001: In Progress -> Resolved (Solution provided)"))
        #expect(log.contains("alert-repeated"))
    }

    @Test func mistakesGetClearErrorsAndChangeNothing() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["incidents", "open", "--summary", "Queue backlog"]).status == 0)
        let before = try cli.git(cli.path(".runbook/wiki"), ["rev-parse", "audit"])
        let cases: [([String], String)] = [
            (["incidents", "show", "INC0000042"], "no incident INC0000042"),
            (["incidents", "show", "42"], "is not an incident number"),
            (["incidents", "transition", "INC0000001", "--to", "resolved"], "needs a close code"),
            (["incidents", "transition", "INC0000001", "--to", "on-hold"], "reason"),
            (["incidents", "transition", "INC0000001", "--to", "sideways"], "The value 'sideways' is invalid for '--to <to>'"),
            (["incidents", "open", "--summary", "x", "--impact", "7"],
             "The value '7' is invalid for '--impact <impact>'. Please provide one of '1', '2' or '3'."),
            (["incidents", "open", "--summary", " "], "short description"),
            (["incidents", "list", "--priority", "9"], "The value '9' is invalid for '--priority <n>'"),
        ]
        for (arguments, message) in cases {
            let result = try cli.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try cli.git(cli.path(".runbook/wiki"), ["rev-parse", "audit"]) == before, "nothing was committed")
    }

    @Test func fourCommandsInParallelGetDistinctNumbers() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["init", cli.path(".runbook/wiki")]).status == 0)
        let results = try (0..<4).map { index in
            try cli.start(["incidents", "open", "--summary", "parallel \(index)", "--dedup-key", "k\(index)"])
        }.map { try $0.wait() }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        let numbers = Set(results.compactMap { $0.stdout.split(separator: " ").dropFirst().first.map(String.init) })
        #expect(numbers == ["INC0000001", "INC0000002", "INC0000003", "INC0000004"])
    }

    @Test func labelsWithControlCharactersArePrintedEscaped() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["incidents", "open", "--summary", "evil \u{1B}[2J summary", "--label", "x=\u{1B}]0;pwned\u{07}"]).status == 0)
        let shown = try cli.run(["incidents", "show", "INC0000001"])
        #expect(!shown.stdout.contains("\u{1B}"))
        #expect(shown.stdout.contains("\\u{1B}\\[2J"), "the escape printed visibly; the bracket escaped as Markdown")
    }
}
