import Foundation
import TestReceivers
import Testing

/// `runbook oncall`, `notify test` and `silences` on the bundled wiki's on-call example: schedule `primary`, a weekly
/// rotation of alice and bob handing over on Mondays at 09:00 Berlin time from 2026-01-05, with bob covering
/// 2026-12-24T09:00 to 2026-12-27T09:00 of alice's week, and alice as the fallback.
@Suite(.timeLimit(.minutes(2)))
struct OnCallCLITests {
    // MARK: - oncall

    @Test func nowSaysWhoIsOnCallUntilWhenAndWhoIsNext() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let christmas = try cli.run(["oncall", "now", "--at", "2026-12-25T12:00:00Z"])
        #expect(christmas.status == 0, "\(christmas.stderr)")
        #expect(christmas.stdout.contains("primary (Europe/Berlin)"), "\(christmas.stdout)")
        // The override: bob until Sunday 09:00 Berlin, which is 08:00 UTC in winter; then alice's week goes on.
        #expect(christmas.stdout.contains("Bob Example (bob) until 2026-12-27 08:00 UTC (Sun 2026-12-27 09:00 Europe/Berlin)"),
                "\(christmas.stdout)")
        #expect(christmas.stdout.contains("Alice Example (alice) from 2026-12-27 08:00 UTC (Sun 2026-12-27 09:00 Europe/Berlin)"))

        // Before the rotation starts nobody is scheduled: the fallback is named, and marked.
        let before = try cli.run(["oncall", "now", "primary", "--at", "2025-12-01T00:00:00Z"])
        #expect(before.stdout.contains("Alice Example (alice) [fallback: nobody is scheduled] until 2026-01-05 08:00 UTC"), "\(before.stdout)")

        // Today, whoever it is, someone is on call.
        let today = try cli.run(["oncall", "now"])
        #expect(today.status == 0, "\(today.stderr)")
        #expect(today.stdout.contains("(alice) until") || today.stdout.contains("(bob) until"), "\(today.stdout)")
    }

    @Test func nowAsJSON() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["oncall", "now", "primary", "--at", "2026-12-25T12:00:00Z", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let schedules = try #require(object["schedules"] as? [[String: Any]])
        let primary = try #require(schedules.first)
        #expect(primary["schedule"] as? String == "primary")
        #expect(primary["on_call"] as? String == "bob")
        #expect(primary["is_fallback"] as? Bool == false)
        #expect(primary["until"] as? String == "2026-12-27T08:00:00Z")
        let next = try #require(primary["next"] as? [String: Any])
        #expect(next["person"] as? String == "alice")
        #expect(next["start"] as? String == "2026-12-27T08:00:00Z")
    }

    @Test func anUnknownScheduleNamesTheKnownOnes() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        for arguments in [["oncall", "now", "secondary"], ["oncall", "show", "secondary"], ["oncall", "calendar", "--schedule", "secondary"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains("no schedule 'secondary'"), "\(result.stderr)")
            #expect(result.stderr.contains("known: primary"), "\(result.stderr)")
        }
    }

    @Test func showPrintsTheFinalScheduleOnTheSchedulesWallClock() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        // Without an offset the times are Berlin's: the range is Monday midnight to the Monday handover two weeks on.
        let result = try cli.run(["oncall", "show", "primary", "--from", "2026-12-21", "--to", "2027-01-04T09:00"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("primary: final schedule in Europe/Berlin") == true, "\(result.stdout)")
        #expect(Array(lines.dropFirst()) == [
            "Mon 2026-12-21 00:00  –  Mon 2026-12-21 09:00  Bob Example (bob)",
            "Mon 2026-12-21 09:00  –  Thu 2026-12-24 09:00  Alice Example (alice)",
            "Thu 2026-12-24 09:00  –  Sun 2026-12-27 09:00  Bob Example (bob)",
            "Sun 2026-12-27 09:00  –  Mon 2026-12-28 09:00  Alice Example (alice)",
            "Mon 2026-12-28 09:00  –  Mon 2027-01-04 09:00  Bob Example (bob)",
        ], "\(result.stdout)")

        let json = try cli.run(["oncall", "show", "primary", "--from", "2026-12-21T08:00:00Z", "--to", "2026-12-28T08:00:00Z", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["time_zone"] as? String == "Europe/Berlin")
        let shifts = try #require(object["shifts"] as? [[String: Any]])
        #expect(shifts.compactMap { $0["person"] as? String } == ["alice", "bob", "alice"])
        #expect(shifts.compactMap { $0["start"] as? String } == ["2026-12-21T08:00:00Z", "2026-12-24T08:00:00Z", "2026-12-27T08:00:00Z"])

        let backwards = try cli.run(["oncall", "show", "primary", "--from", "2027-01-01", "--to", "2026-12-01"])
        #expect(backwards.status == 1)
        #expect(backwards.stderr.contains("--from must be before --to"))
    }

    @Test func calendarPrintsICalendarForAScheduleOrAPerson() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let schedule = try cli.run(["oncall", "calendar", "--schedule", "primary", "--from", "2026-12-21T09:00", "--to", "2026-12-28T09:00"])
        #expect(schedule.status == 0, "\(schedule.stderr)")
        #expect(schedule.stdout.hasPrefix("BEGIN:VCALENDAR\r\n"))
        #expect(schedule.stdout.hasSuffix("END:VCALENDAR\r\n"))
        #expect(schedule.stdout.components(separatedBy: "BEGIN:VEVENT").count - 1 == 3)
        #expect(schedule.stdout.contains("DTSTART:20261224T080000Z\r\nDTEND:20261227T080000Z\r\nSUMMARY:On call: Bob Example (primary)"))

        let person = try cli.run(["oncall", "calendar", "--person", "bob",
                                  "--from", "2026-12-21T09:00:00+01:00", "--to", "2026-12-28T09:00:00+01:00"])
        #expect(person.status == 0, "\(person.stderr)")
        #expect(person.stdout.contains("X-WR-CALNAME:On call: Bob Example"))
        #expect(person.stdout.components(separatedBy: "BEGIN:VEVENT").count - 1 == 1)

        let unknown = try cli.run(["oncall", "calendar", "--person", "carol"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no person 'carol'") && unknown.stderr.contains("known: alice, bob"), "\(unknown.stderr)")
        #expect(try cli.run(["oncall", "calendar"]).status != 0, "one of --schedule and --person is needed")
    }

    // MARK: - notify test

    @Test(.timeLimit(.minutes(1)))
    func notifyTestDeliversOnEveryContactMethod() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        try cli.writeSecrets(values: ["alice-webhook": receiver.url("/alice").absoluteString])

        let alice = try cli.run(["notify", "test", "alice"])
        #expect(alice.status == 0, "\(alice.stdout)\(alice.stderr)")
        #expect(alice.stderr.contains("sending to alice: 2 methods"), "\(alice.stderr)")
        #expect(alice.stdout.contains("hook (webhook): delivered, HTTP 200"), "\(alice.stdout)")
        #expect(alice.stdout.contains("voice (spoken): delivered, WAV rendered"), "\(alice.stdout)")
        let request = try #require(try receiver.recordedRequests().first)
        #expect(request.path == "/alice")
        #expect(request.body.contains("Test notification from runbook"), "\(request.body)")

        // bob's webhook has no secret here: that method fails, and says why, and the command exits 1.
        let bob = try cli.run(["notify", "test", "bob"])
        #expect(bob.status == 1)
        #expect(bob.stdout.contains("hook (webhook): failed, no secret 'bob-webhook'"), "\(bob.stdout)")
        #expect(bob.stdout.contains("voice (spoken): delivered"))

        let carol = try cli.run(["notify", "test", "carol"])
        #expect(carol.status == 1)
        #expect(carol.stderr.contains("no person 'carol'") && carol.stderr.contains("known: alice, bob"), "\(carol.stderr)")
    }

    // MARK: - silences

    @Test func silencesAddListAndExpire() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let added = try cli.run(["silences", "add", "service=\"db\"", "env=~\"prod|stage\"", "--duration", "2h", "--comment", "db migration",
                                 "--author", "alice", "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        let silence = try #require(try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any])
        let id = try #require(silence["id"] as? String)
        #expect(silence["matchers"] as? [String] == ["service=\"db\"", "env=~\"prod|stage\""])
        #expect(silence["created_by"] as? String == "alice")
        #expect(FileManager.default.fileExists(atPath: cli.path(".runbook/silences.json")))

        let listed = try cli.run(["silences", "list", "--active"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains(id) && listed.stdout.contains("active") && listed.stdout.contains("db migration"), "\(listed.stdout)")

        // A silence that was in force for a while stays listed, ended (one ended within its first second never took
        // effect and leaves the list). "A while" is made by dating its start a minute back in the file, not by waiting.
        let file = cli.path(".runbook/silences.json")
        var stored = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [[String: Any]])
        stored[0]["starts_at"] = ISO8601DateFormatter().string(from: Date() - 60)
        try JSONSerialization.data(withJSONObject: stored).write(to: URL(fileURLWithPath: file))
        let expired = try cli.run(["silences", "expire", id])
        #expect(expired.status == 0, "\(expired.stderr)")
        #expect(expired.stdout.contains("expired \(id)"))
        let after = try cli.run(["silences", "list"])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(!(try cli.run(["silences", "list", "--active"]).stdout.contains(id)))
        #expect(after.stdout.contains("ended"), "an expired silence stays listed, ended")
        let again = try cli.run(["silences", "expire", "cli-nothing"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("no silence cli-nothing"))
    }

    @Test func wikiSilencesAreListedButEndOnlyWithACommit() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["lint"]).status == 0) // creates the embedded wiki
        let settings = cli.path(".runbook/wiki/config/oncall.yaml")
        let text = try String(contentsOfFile: settings, encoding: .utf8).replacingOccurrences(of: "silences: []", with: """
            silences:
              - { matchers: ["env=\\"staging\\""], from: 2026-01-01T00:00:00Z, to: 2099-01-01T00:00:00Z, created_by: ops, comment: staging }
            """)
        try text.write(toFile: settings, atomically: true, encoding: .utf8)
        let listed = try cli.run(["silences", "list", "--json"])
        let silences = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]], "\(listed.stderr)")
        let id = try #require(silences.first?["id"] as? String)
        #expect(id.hasPrefix("git-"))
        let expired = try cli.run(["silences", "expire", id])
        #expect(expired.status == 1)
        #expect(expired.stderr.contains("end it with a commit"), "\(expired.stderr)")
    }

    @Test func aBadMatcherSaysWhichAndWhy() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let regex = try cli.run(["silences", "add", "service=db", "env=~\"(prod\"", "--duration", "1h", "--comment", "x"])
        #expect(regex.status != 0)
        #expect(regex.stderr.contains("matcher 2 of 2, 'env=~\"(prod\"'"), "\(regex.stderr)")
        #expect(regex.stderr.contains("regex"), "\(regex.stderr)")
        let bare = try cli.run(["silences", "add", "service", "--duration", "1h", "--comment", "x"])
        #expect(bare.stderr.contains("matcher 1 of 1, 'service': missing operator"), "\(bare.stderr)")
        let both = try cli.run(["silences", "add", "service=db", "--comment", "x"])
        #expect(both.status != 0)
        #expect(both.stderr.contains("--duration"))
        #expect(!FileManager.default.fileExists(atPath: cli.path(".runbook/silences.json")), "nothing is written")
    }

    @Test func silencesThroughTheServer() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let served = try cli.serve()
        defer { served.stop() }
        let added = try cli.run(served.args(["silences", "add", "service=\"db\"", "--duration", "30m", "--comment", "through the API", "--json"]))
        #expect(added.status == 0, "\(added.stderr)")
        let silence = try #require(try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any])
        let id = try #require(silence["id"] as? String)
        // The server keeps it in the same data directory, so the CLI sees it in-process too.
        #expect(try cli.run(["silences", "list", "--active"]).stdout.contains(id))
        #expect(try cli.run(served.args(["silences", "list", "--active"])).stdout.contains(id))
        // Ended in the second it started: it never took effect and leaves the list.
        let expired = try cli.run(served.args(["silences", "expire", id]))
        #expect(expired.status == 0, "\(expired.stderr)")
        #expect(!(try cli.run(served.args(["silences", "list", "--active"])).stdout.contains(id)))
        let unknown = try cli.run(served.args(["silences", "expire", "api-nothing"]))
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("404"), "\(unknown.stderr)")
    }
}

extension CLI {
    /// The data directory's `secrets.yaml` (mode 0600, as the server insists) with a fresh link key and `values`.
    func writeSecrets(values: [String: String]) throws {
        try FileManager.default.createDirectory(atPath: path(".runbook"), withIntermediateDirectories: true)
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let lines = ["link_key: \(key)", "values:"] + values.sorted { $0.key < $1.key }.map { "  \($0.key): \"\($0.value)\"" }
        let text = lines.joined(separator: "\n") + "\n"
        let created = FileManager.default.createFile(atPath: path(".runbook/secrets.yaml"), contents: Data(text.utf8),
                                                     attributes: [.posixPermissions: 0o600])
        #expect(created)
    }
}
