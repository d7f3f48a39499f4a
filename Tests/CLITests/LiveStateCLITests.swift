import Foundation
import Testing

/// The server's view of incidents and runs stays true when other processes write and when the server
/// itself stops: real `runbook serve` processes, real CLI processes, one wiki.
@Suite(.timeLimit(.minutes(3)))
struct LiveStateCLITests {
    static let gated = """
        ---
        title: Gated
        match:
          - alertname="Gated"
        ---
        # Gated

        ## Look

        ```sh {id=look}
        echo looked
        ```

        ## Restart

        ```sh {id=restart approve=true}
        echo "restarted by $RUNBOOK_RUN"
        ```
        """

    /// Polls `url` until `accept` takes its reply; the time that took, nil after `limit` seconds.
    private static func timeUntil(_ url: String, token: String, limit: TimeInterval = 5,
                                  _ accept: (LoopbackHTTP.Reply) -> Bool) async throws -> TimeInterval? {
        let started = Date()
        while Date().timeIntervalSince(started) < limit {
            if accept(try await LoopbackHTTP.request(url, token: token)) { return Date().timeIntervalSince(started) }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Before: `GET /api/v1/incidents/INC…` answered 404 for about 56 s after `runbook incidents open`, and a
    /// resolution from the CLI never showed. The store only caught up when it wrote.
    ///
    /// The CLI commands and the polling run in a process of their own (a few lines of Python): this test
    /// process shares two cores with every other suite, whose blocking waits would delay its own polling.
    @Test func whatACLIProcessCommitsShowsInTheAPIWithinASecond() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.wiki(runbooks: [:])
        let server = try cli.serve()
        defer { server.stop() }
        let script = """
            import json, subprocess, sys, time, urllib.error, urllib.request
            runbook, url, token = sys.argv[1:4]
            def shown(accept):
                started = time.time()
                while time.time() - started < 10:
                    request = urllib.request.Request(url + "/api/v1/incidents/INC0000001", headers={"Authorization": "Bearer " + token})
                    try:
                        with urllib.request.urlopen(request) as reply:
                            if accept(json.load(reply)):
                                return time.time() - started
                    except urllib.error.HTTPError as error:
                        if error.code != 404:
                            raise
                    time.sleep(0.005)
                return None
            subprocess.run([runbook, "incidents", "open", "--summary", "Written by the CLI", "--as", "carol"], check=True, capture_output=True)
            print("opened", shown(lambda record: True))
            subprocess.run([runbook, "incidents", "transition", "INC0000001", "--to", "resolved", "--code", "Solution provided",
                            "--notes", "fixed by hand"], check=True, capture_output=True)
            print("resolved", shown(lambda record: record["state"] == "resolved"))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, CLI.executable.path, server.url, server.token]
        process.currentDirectoryURL = cli.directory
        process.environment = ProcessInfo.processInfo.environment.merging(["RUNBOOK_HOME": cli.path(".runbook")]) { $1 }
            .filter { $0.key != "RUNBOOK_WIKI" }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        let times = Dictionary(uniqueKeysWithValues: text.split(separator: "\n").compactMap { line -> (String, Double)? in
            let parts = line.split(separator: " ")
            return parts.count == 2 ? (String(parts[0]), Double(parts[1]) ?? .infinity) : nil
        })
        #expect((times["opened"] ?? .infinity) < 1, "the new incident was shown after \(text)")
        #expect((times["resolved"] ?? .infinity) < 1, "the resolution was shown after \(text)")
    }

    /// The README's flow without a server: `runbook trigger` in one terminal waits for approval, and an approval
    /// from a second terminal (another process) reaches it.
    @Test func anInProcessTriggerHearsAnApprovalFromAnotherProcess() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.wiki(runbooks: ["gated": Self.gated])
        let trigger = try cli.start(["trigger", "--label", "alertname=Gated"])
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, try !cli.run(["runs", "list", "--state", "awaiting-approval"]).stdout.contains("INC0000001-1") {
            try await Task.sleep(for: .milliseconds(100))
        }
        let approved = try cli.run(["runs", "approve", "INC0000001-1", "--as", "dana"])
        #expect(approved.status == 0, "\(approved.stderr)")
        let result = try trigger.wait()
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("restarted by INC0000001-1"), "\(result.stdout)")
    }

    /// An approval request is a promise to a person: a graceful stop leaves the run waiting (at once, without the
    /// grace period running steps get), and the next server runs the step when the person approves.
    @Test func aRunAwaitingApprovalSurvivesAGracefulRestart() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        var server = try await Self.runAwaitingApproval(cli)
        let token = server.token
        let stopped = Date()
        #expect(server.stop(grace: 8), "SIGTERM stops the server")
        #expect(Date().timeIntervalSince(stopped) < 5, "a waiting run holds up no shutdown")

        // Read in-process while no server runs: the run still waits (listing does not mark it interrupted).
        let between = try cli.run(["runs", "show", "INC0000001-1", "--json"])
        #expect(between.stdout.contains("\"state\" : \"awaiting-approval\""), "\(between.stdout)\(between.stderr)")

        server = try cli.serve(token: token)
        defer { server.stop() }
        try await Self.waitAwaiting(server)
        try await Self.approveAndFinish(cli, server)
    }

    /// The same after `kill -9`, three times over: each server takes the run over from the one before.
    @Test func aRunAwaitingApprovalSurvivesKill9ThreeTimes() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        var server = try await Self.runAwaitingApproval(cli)
        let token = server.token
        for round in 1...3 {
            server.kill9()
            server = try cli.serve(token: token)
            try await Self.waitAwaiting(server)
            // The run reads as awaiting approval before the new server has committed its takeover (it resumes the run
            // in a task of its own); killing it then would test nothing, so wait for that event.
            #expect(await server.follow(cli) { $0.count(of: " run-resumed ") >= round }, "takeover \(round) is committed")
        }
        defer { server.stop() }
        let history = try cli.git(cli.path(".runbook/wiki"), ["log", "--format=%s", "audit"])
        #expect(history.components(separatedBy: "taken over by").count - 1 == 3, "\(history)")
        #expect(!history.contains("interrupted"), "\(history)")
        try await Self.approveAndFinish(cli, server)
    }

    /// A server on a wiki with the gated runbook, and its run waiting for approval.
    private static func runAwaitingApproval(_ cli: CLI) async throws -> Served {
        try cli.wiki(runbooks: ["gated": gated])
        let server = try cli.serve()
        try await fireGated(server)
        try await waitAwaiting(server)
        return server
    }

    /// A cancel asked for while no server runs the run is acted on by the next one: the run ends canceled, once.
    @Test func aCancelMadeWhileNoServerRunsIsActedOnByTheNext() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        var server = try await Self.runAwaitingApproval(cli)
        let token = server.token
        #expect(server.stop(grace: 8))
        let asked = try cli.run(["runs", "cancel", "INC0000001-1", "--as", "erin", "--reason", "not needed"])
        #expect(asked.status == 0, "\(asked.stderr)")
        server = try cli.serve(token: token)
        let canceled = try await Self.timeUntil(server.url + "/api/v1/runs/INC0000001-1", token: token, limit: 30) {
            $0.text.contains("\"state\":\"canceled\"")
        }
        #expect(canceled != nil, "the run ended canceled")
        #expect(server.stop(grace: 8))
        let commits = try cli.git(cli.path(".runbook/wiki"), ["rev-list", "--count", "audit"])
        server = try cli.serve(token: token)
        defer { server.stop() }
        _ = try await LoopbackHTTP.request(server.url + "/readyz")
        #expect(try cli.git(cli.path(".runbook/wiki"), ["rev-list", "--count", "audit"]) == commits, "an ended run is not taken over again")
        let again = try cli.run(server.args(["runs", "cancel", "INC0000001-1"]))
        #expect(again.status == 0, "asking again answers as before: \(again.stderr)")
        let verify = try cli.run(["audit", "verify", "--full"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    private static func fireGated(_ server: Served) async throws {
        let body = #"{"version": "4", "status": "firing", "alerts": [{"status": "firing", "labels": {"alertname": "Gated"}, "fingerprint": "g1"}]}"#
        let reply = try await LoopbackHTTP.request(server.url + "/api/v1/alerts/alertmanager", method: "POST", token: server.token,
                                                   body: Data(body.utf8))
        #expect(reply.status == 200, "\(reply.text)")
    }

    private static func waitAwaiting(_ server: Served) async throws {
        let waiting = try await timeUntil(server.url + "/api/v1/runs/INC0000001-1", token: server.token, limit: 30) {
            $0.text.contains("\"state\":\"awaiting-approval\"")
        }
        #expect(waiting != nil, "the run is awaiting approval")
    }

    /// Approves through the server; the approved step runs against the runbook commit the run is pinned to.
    private static func approveAndFinish(_ cli: CLI, _ server: Served) async throws {
        // The wiki moves on meanwhile: the run still runs what it was pinned to.
        let path = cli.path(".runbook/wiki")
        try gated.replacingOccurrences(of: "restarted by", with: "CHANGED after the run began").write(
            toFile: path + "/runbooks/gated.md", atomically: true, encoding: .utf8)
        _ = try cli.git(path, ["-c", "user.name=Test", "-c", "user.email=t@example.com", "commit", "-qam", "Change the step"])

        let approved = try cli.run(server.args(["runs", "approve", "INC0000001-1"]))
        #expect(approved.stdout == "approved restart of run INC0000001-1 as admin\n", "\(approved.stderr)")
        let ended = try await timeUntil(server.url + "/api/v1/runs/INC0000001-1", token: server.token, limit: 30) {
            $0.text.contains("\"state\":\"succeeded\"")
        }
        #expect(ended != nil, "the run ended")
        let run = try cli.run(server.args(["runs", "show", "INC0000001-1", "--json"])).stdout
        #expect(run.contains("\"state\" : \"succeeded\""), "\(run)")
        let log = try cli.run(server.args(["runs", "show", "INC0000001-1"])).stdout
        #expect(log.contains("restarted by INC0000001-1"), "the pinned step ran: \(log)")
        #expect(!log.contains("CHANGED"))
        let verify = try cli.run(["audit", "verify", "--full"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
