import Foundation
import Testing

/// `runbook trigger` and `runbook runs` end to end: a wiki the user commits to with git, real steps.
@Suite(.timeLimit(.minutes(2)))
struct TriggerCLITests {
    /// A wiki created by `runbook init`, plus runbooks committed with the git CLI as a user would.
    private func wiki(_ cli: CLI, runbooks: [String: String]) throws -> String {
        let path = cli.path(".runbook/wiki")
        #expect(try cli.run(["init", path]).status == 0)
        for (name, text) in runbooks {
            try text.write(toFile: path + "/runbooks/\(name).md", atomically: true, encoding: .utf8)
        }
        _ = try cli.git(path, ["add", "-A"])
        _ = try cli.git(path, ["-c", "user.name=Test", "-c", "user.email=t@example.com", "commit", "-q", "-m", "Add test runbooks"])
        return path
    }

    private static func runbook(_ alert: String, steps: [String], extra: String = "") -> String {
        let body = steps.enumerated().map { "## Step \($0.offset + 1)\n\n```sh {id=s\($0.offset + 1)}\n\($0.element)\n```\n" }
        return """
            ---
            match:
              - alertname="\(alert)"
            params:
              HOST: { from: labels.instance, required: true, pattern: '^[a-z0-9.-]+$' }
            \(extra)---
            # \(alert)

            \(body.joined(separator: "\n"))
            """
    }

    @Test func aTriggerRunsTheMatchingRunbookAndResolvesTheIncident() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let path = try wiki(cli, runbooks: ["test-disk": Self.runbook("TestDisk", steps: ["echo \"checking $HOST\"", "echo fixed"])])
        let result = try cli.run(["trigger", "--label", "alertname=TestDisk", "--label", "instance=db1", "--as", "alice"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("==> [1]"))
        #expect(result.stdout.contains("checking db1"))
        #expect(result.stdout.contains("INC0000001 is Resolved"))

        let log = try cli.git(path, ["log", "--format=%s%n%(trailers:only,unfold)", "audit"])
        #expect(log.contains("Run: INC0000001-1"))
        #expect(log.contains("Step: s2"))
        #expect(log.contains("Runbook: runbooks/test-disk.md"))
        #expect(log.contains("Runbook-Commit: " + (try cli.git(path, ["rev-parse", "HEAD"])).trimmingCharacters(in: .whitespacesAndNewlines)))
        let stepLog = try cli.git(path, ["show", "audit:incidents/000/00/INC0000001/runs/1/steps/01-16/01-s1.log"])
        #expect(stepLog.contains("] checking db1"))

        let shown = try cli.run(["runs", "show", "INC0000001-1"])
        #expect(shown.stdout.contains("[2] s2: succeeded"))
        #expect(try cli.run(["audit", "verify"]).status == 0)
    }

    @Test func runByIdTakesParametersByNameOnANewOrAnExistingIncidentOrAsAJob() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let path = try wiki(cli, runbooks: ["test-disk": Self.runbook("TestDisk", steps: ["echo \"checking $HOST\""])])
        let opened = try cli.run(["run", "test-disk", "--param", "HOST=db7", "--open", "--as", "alice"])
        #expect(opened.status == 0, "\(opened.stdout)\(opened.stderr)")
        #expect(opened.stdout.contains("checking db7") && opened.stdout.contains("INC0000001 is Resolved"), "\(opened.stdout)")
        let attached = try cli.run(["run", "test-disk", "--param", "HOST=db8", "--incident", "INC0000001"])
        #expect(attached.status == 0 && attached.stdout.contains("run INC0000001-2"), "\(attached.stdout)\(attached.stderr)")

        let refused = try cli.run(["run", "test-disk", "--param", "HOST=db1;reboot", "--open"])
        #expect(refused.status != 0 && refused.stderr.contains("does not match pattern"), "\(refused.stderr)")
        let unknown = try cli.run(["run", "test-disk", "--param", "HOTS=db1", "--open"])
        #expect(unknown.status != 0 && unknown.stderr.contains("HOTS: no such parameter (known: HOST)"), "\(unknown.stderr)")
        let job = try cli.run(["run", "test-disk", "--param", "HOST=db9"])
        #expect(job.status == 0 && job.stdout.contains("checking db9") && job.stdout.contains("JOB0000001 succeeded"),
                "\(job.stdout)\(job.stderr)")
        #expect(try cli.run(["runs", "show", "JOB0000001-1"]).stdout.contains("HOST=db9"))
        let log = try cli.git(path, ["log", "--format=%s", "audit"])
        #expect(log.contains("JOB0000001: job of test-disk, asked for by"), "\(log)")
        let verified = try cli.run(["audit", "verify", "--full"])
        #expect(verified.status == 0 && verified.stdout.contains(", 1 incident, 1 job, head"), "\(verified.stdout)\(verified.stderr)")
        #expect(try cli.run(["incidents", "list", "--json"]).stdout.components(separatedBy: "\"number\"").count - 1 == 1,
                "refused runs and jobs open no incident")
    }

    @Test func aFailedStepLeavesTheIncidentInProgressAndARepeatDedups() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try wiki(cli, runbooks: ["broken": Self.runbook("Broken", steps: ["echo trying; exit 3", "touch should-not-run"])])
        let first = try cli.run(["trigger", "--label", "alertname=Broken", "--label", "instance=db1"])
        #expect(first.status == 1)
        #expect(first.stdout.contains("FAILED (exit 3)"))
        #expect(first.stdout.contains("INC0000001 is In Progress"))
        let incident = try cli.run(["incidents", "show", "INC0000001"])
        #expect(incident.stdout.contains("step s1 failed with exit status 3"))
        let again = try cli.run(["trigger", "--label", "alertname=Broken", "--label", "instance=db1"])
        #expect(again.status == 1)
        #expect(again.stdout.contains("already open"))
        #expect(try cli.run(["runs", "list"]).stdout.split(separator: "\n").count == 2, "one header, one run")
    }

    @Test func labelsNeverBecomeCommandTextAndBadValuesAreRefused() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let canary = cli.path("pwned")
        _ = try wiki(cli, runbooks: ["echo": Self.runbook("Echo", steps: ["printf '%s' \"$HOST\""])])
        let result = try cli.run(["trigger", "--label", "alertname=Echo", "--label", "instance=$(touch \(canary))"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("refused") || result.stderr.contains("refused"), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: canary))
        let note = try cli.run(["incidents", "show", "INC0000001"])
        #expect(note.stdout.contains("HOST"))
        #expect(note.stdout.contains("pattern"))
    }

    @Test func runbooksRunFromTheCommittedWikiNotTheWorkTree() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let path = try wiki(cli, runbooks: ["pinned": Self.runbook("Pinned", steps: ["echo committed-version"])])
        try Self.runbook("Pinned", steps: ["echo work-tree-version"]).write(toFile: path + "/runbooks/pinned.md", atomically: true, encoding: .utf8)
        let result = try cli.run(["trigger", "--label", "alertname=Pinned", "--label", "instance=db1"])
        #expect(result.stdout.contains("committed-version"))
        #expect(!result.stdout.contains("work-tree-version"))
    }

    @Test func aKilledTriggerLeavesItsRunInterrupted() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try wiki(cli, runbooks: ["slow": Self.runbook("Slow", steps: ["echo started; sleep 30", "echo never"])])
        let running = try cli.start(["trigger", "--label", "alertname=Slow", "--label", "instance=db1"])
        // Wait until the step runs, as the audit branch shows.
        let deadline = Date().addingTimeInterval(20)
        while try Date() < deadline && !cli.run(["runs", "list"]).stdout.contains("running") {
            Thread.sleep(forTimeInterval: 0.1)
        }
        kill(running.process.processIdentifier, SIGKILL)
        _ = try running.wait()
        let list = try cli.run(["runs", "list"])
        #expect(list.stdout.contains("interrupted"), "\(list.stdout)")
        let incident = try cli.run(["incidents", "show", "INC0000001"])
        #expect(incident.stdout.contains("was interrupted"))
        let show = try cli.run(["runs", "show", "INC0000001-1"])
        #expect(show.stdout.contains("[1] s1: interrupted"))
        #expect(show.stdout.contains("[2] s2: skipped"))
        // The step's `sleep 30` outlived the killed trigger; marking the run interrupted killed it.
        let json = try cli.run(["runs", "show", "INC0000001-1", "--json"])
        let run = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let leader = (run["steps"] as? [[String: Any]])?.first?["process_group"] as? Int
        let group = Int32(try #require(leader))
        let deadline2 = Date().addingTimeInterval(5)
        while Date() < deadline2, Self.liveProcesses(inGroup: group) > 0 { Thread.sleep(forTimeInterval: 0.05) }
        #expect(Self.liveProcesses(inGroup: group) == 0)
    }

    /// Processes of a group that are not zombies (this machine's init may not reap orphans).
    private static func liveProcesses(inGroup group: Int32) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { entry in
            guard Int32(entry) != nil, let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && fields[0] != "Z" && Int32(fields[2]) == group
        }.count
    }

    @Test func dryRunShowsThePlanAndRunsNothing() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let path = try wiki(cli, runbooks: ["plan": Self.runbook("Plan", steps: ["touch should-not-exist"])])
        let result = try cli.run(["trigger", "--dry-run", "--label", "alertname=Plan", "--label", "instance=db1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("env:  HOST=db1"))
        #expect(result.stdout.contains("runs: /bin/sh"))
        #expect(try cli.git(path, ["branch", "--list", "audit"]).isEmpty, "nothing was written")
    }
}
