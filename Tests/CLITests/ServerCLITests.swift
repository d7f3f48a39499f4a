import Foundation
import Testing

/// `--server`: `trigger`, `incidents` and `runs` against `runbook serve` print what they print in-process.
@Suite(.timeLimit(.minutes(2)))
struct ServerCLITests {
    private static func runbook(_ alert: String, steps: [String], approve: Bool = false) -> String {
        let body = steps.enumerated().map { step in
            let gate = approve && step.offset == 0 ? " approve=true" : ""
            return "## Step \(step.offset + 1)\n\n```sh {id=s\(step.offset + 1)\(gate)}\n\(step.element)\n```\n"
        }
        return """
            ---
            match:
              - alertname="\(alert)"
            params:
              HOST: { from: labels.instance, required: true, pattern: '^[a-z0-9.-]+$' }
            ---
            # \(alert)

            \(body.joined(separator: "\n"))
            """
    }

    private static let runbooks = [
        "test-disk": runbook("TestDisk", steps: ["echo \"checking $HOST\"", "echo fixed"]),
        "gated": runbook("Gated", steps: ["echo \"restarting $HOST\""], approve: true),
        "flaky": flaky,
    ]

    /// Quick steps, one failing its first attempt and retried: what the server runs before the CLI's stream is open
    /// is printed from the run as it stands, what comes after live, nothing lost and in order.
    private static let flaky = """
        ---
        title: Flaky
        match:
          - alertname="Flaky"
        ---
        # Flaky

        ## One

        ```sh {id=one}
        echo one
        ```

        ## Two

        ```sh {id=two retries=1}
        if [ -e "$RUNBOOK_WORKDIR/tried" ]; then echo second try; else touch "$RUNBOOK_WORKDIR/tried"; echo failing once; exit 3; fi
        ```

        ## Three

        ```sh {id=three}
        echo three
        ```

        ## Four

        ```sh {id=four}
        echo four
        ```
        """

    /// Output with what differs between two wikis and two runs blanked: commit ids, times, durations.
    private static func normalized(_ text: String) -> String {
        text.replacing(/wiki [0-9a-f]{7}/, with: "wiki C")
            .replacing(/\[ *[0-9]+\.[0-9]{3}s\]/, with: "[T]")
            .replacing(/in [0-9]+\.[0-9]+ s/, with: "in N s")
    }

    @Test func triggerAndTheIncidentAndRunCommandsPrintWhatTheyPrintInProcess() throws {
        let local = try CLI()
        defer { local.cleanUp() }
        try local.wiki(runbooks: Self.runbooks)
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.wiki(runbooks: Self.runbooks)
        let server = try cli.serve()
        defer { server.stop() }

        let trigger = ["trigger", "--label", "alertname=TestDisk", "--label", "instance=db1"]
        let expected = try local.run(trigger)
        let remote = try cli.run(server.args(trigger))
        #expect(remote.status == 0, "\(remote.stdout)\(remote.stderr)")
        #expect(expected.status == 0)
        #expect(remote.stdout.contains("    [   0.0"), "output lines with their times:\n\(remote.stdout)")
        #expect(Self.normalized(remote.stdout) == Self.normalized(expected.stdout))

        // The same store read in-process and through the server.
        for command in [["incidents", "list"], ["incidents", "show", "INC0000001"], ["runs", "list"], ["runs", "show", "INC0000001-1"],
                        ["incidents", "list", "--state", "resolved", "--json"], ["runs", "show", "INC0000001-1", "--json"]] {
            let viaServer = try cli.run(server.args(command))
            #expect(viaServer.status == 0, "\(command): \(viaServer.stderr)")
            #expect(viaServer.stdout == (try cli.run(command)).stdout, "\(command)")
        }

        let note = try cli.run(server.args(["incidents", "note", "INC0000001", "checked the disk"]))
        #expect(note.stdout == "note added to INC0000001\n", "\(note.stderr)")
        let close = try cli.run(server.args(["incidents", "transition", "INC0000001", "--to", "closed"]))
        #expect(close.stdout == "INC0000001 is now Closed\n", "\(close.stderr)")
        // A command reading the branch itself sees the server's writes once a commit cycle put them there.
        #expect(try server.auditCommitted(cli, wiki: cli.path(".runbook/wiki")))
        let shown = try cli.run(["incidents", "show", "INC0000001"]).stdout
        #expect(shown.contains("checked the disk"))
        let refused = try cli.run(server.args(["incidents", "transition", "INC0000001", "--to", "on-hold", "--reason", "nope"]))
        #expect(refused.status != 0)
        // Refused by the CLI before it is sent, with the reasons it takes.
        #expect(refused.stderr.contains("The value 'nope' is invalid for '--reason <reason>'"), "\(refused.stderr)")

        let flaky = ["trigger", "--label", "alertname=Flaky"]
        let flakyLocal = try local.run(flaky)
        let flakyRemote = try cli.run(server.args(flaky))
        #expect(flakyRemote.status == 0 && flakyLocal.status == 0, "\(flakyRemote.stdout)\(flakyRemote.stderr)")
        #expect(Self.normalized(flakyRemote.stdout).replacing(/INC000000[0-9]/, with: "INC") ==
                Self.normalized(flakyLocal.stdout).replacing(/INC000000[0-9]/, with: "INC"), "\(flakyRemote.stdout)")

        let again = try cli.run(server.args(["trigger", "--label", "alertname=Nothing", "--label", "instance=db1"]))
        let againLocal = try local.run(["trigger", "--label", "alertname=Nothing", "--label", "instance=db1"])
        #expect(again.status == 1)
        #expect(again.stdout.hasPrefix("opened INC0000003: no runbook matches, so it stays New\n"), "\(again.stdout)\(again.stderr)")
        #expect(again.stdout == againLocal.stdout)

        let opened = try cli.run(server.args(["incidents", "open", "--summary", "Payments down", "--impact", "1", "--urgency", "1",
                                              "--service", "payments"]))
        #expect(opened.stdout == "opened INC0000004 (P1 Critical): Payments down\n", "\(opened.stdout)\(opened.stderr)")
        #expect(try cli.run(["incidents", "show", "INC0000004"]).stdout.contains("payments"))
    }

    @Test func aRunAwaitingApprovalIsApprovedThroughTheServer() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.wiki(runbooks: Self.runbooks)
        let server = try cli.serve()
        defer { server.stop() }

        let trigger = try cli.start(server.args(["trigger", "--label", "alertname=Gated", "--label", "instance=web1"]))
        let deadline = Date().addingTimeInterval(30)
        while try Date() < deadline && !cli.run(server.args(["runs", "list", "--state", "awaiting-approval"])).stdout.contains("INC0000001-1") {
            Thread.sleep(forTimeInterval: 0.2)
        }
        let approved = try cli.run(server.args(["runs", "approve", "INC0000001-1"]))
        #expect(approved.stdout == "approved s1 of run INC0000001-1 as admin\n", "\(approved.stderr)")
        let result = try trigger.wait()
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("run INC0000001-1: gated at wiki ") == true, "\(result.stdout)")
        #expect(lines.contains("||  [1] s1 needs approval. From another terminal:"))
        #expect(lines.contains { $0.hasSuffix("] restarting web1") })
        #expect(lines.contains { $0.hasPrefix("<== [1] s1: ok in ") })
        #expect(lines.last == "INC0000001 is Resolved")
        // Approving again answers as before and records nothing; denying what was approved is refused.
        #expect(try server.auditCommitted(cli, wiki: cli.path(".runbook/wiki")))
        let head = try cli.git(cli.path(".runbook/wiki"), ["rev-parse", "audit"])
        let again = try cli.run(server.args(["runs", "approve", "INC0000001-1"]))
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == "s1 of run INC0000001-1 was approved already, by admin; nothing new recorded\n", "\(again.stdout)")
        let deny = try cli.run(server.args(["runs", "deny", "INC0000001-1", "--reason", "changed my mind"]))
        #expect(deny.stderr.hasPrefix("runbook: 409 invalid_state: "), "\(deny.stderr)")
        // Nothing of the run was committed (the escalation of the incident goes on beside it: its pages and the
        // resolution notice are commits of their own).
        let since = try cli.git(cli.path(".runbook/wiki"), ["log", "--format=%s", "\(head.trimmingCharacters(in: .whitespacesAndNewlines))..audit"])
        #expect(!since.contains("run INC0000001-1"), "nothing of the run committed: \(since)")
    }

    @Test func aWrongTokenOrNoServerIsAClearErrorWithAFailingStatus() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.wiki(runbooks: Self.runbooks)
        let server = try cli.serve()
        defer { server.stop() }

        let wrong = try cli.run(["incidents", "list", "--server", server.url, "--token", "not-a-token"])
        #expect(wrong.status != 0)
        #expect(wrong.stdout.isEmpty)
        #expect(wrong.stderr.hasPrefix("runbook: 401 unauthorized: "), "\(wrong.stderr)")

        let viaEnvironment = try cli.run(["runs", "list"], environment: ["RUNBOOK_SERVER": server.url, "RUNBOOK_TOKEN": "not-a-token"])
        #expect(viaEnvironment.stderr.hasPrefix("runbook: 401 "), "\(viaEnvironment.stderr)")

        let nobody = try cli.run(["trigger", "--label", "alertname=TestDisk", "--server", "http://127.0.0.1:1", "--token", "t"])
        #expect(nobody.status != 0)
        #expect(nobody.stderr.contains("cannot reach the server at http://127.0.0.1:1"), "\(nobody.stderr)")

        let sweep = try cli.run(server.args(["incidents", "sweep"]))
        #expect(sweep.status != 0)
        #expect(sweep.stderr.contains("not available against a server"))
    }
}
