import Foundation
import Hummingbird
import HummingbirdTesting
import ITIL
import Synchronization
import Testing
import Wiki

/// Runbooks with `schedule:` run as jobs at their instants, once each, across restarts.
///
/// The server's clock is set a second or two before a chosen minute (and runs on in real time from there), so an
/// instant comes without waiting for the wall clock's.
@Suite("Scheduled runs", .serialized, .timeLimit(.minutes(1)))
struct ScheduledRunTests {
    static func page(_ title: String, cron: String, missed: String = "run-once", script: String) -> String {
        """
        ---
        title: \(title)
        schedule: { cron: "\(cron)", timezone: UTC, missed: \(missed) }
        ---
        # \(title)

        ## Do

        ```sh
        \(script)
        ```
        """
    }

    /// A clock that reads `seconds` before `instant` when first read (when the server first looks at its schedules,
    /// however long a loaded machine took to start it), and runs on in real time from there.
    static func clock(_ seconds: TimeInterval, before instant: Date) -> @Sendable () -> Date {
        let offset = Mutex<TimeInterval?>(nil)
        return {
            let now = Date()
            let shift = offset.withLock { value in
                if value == nil { value = instant.addingTimeInterval(-seconds).timeIntervalSince(now) }
                return value!
            }
            return now.addingTimeInterval(shift)
        }
    }

    /// 2030-01-01T00:00:00Z plus `minutes`.
    static func minute(_ minutes: Int) -> Date {
        Date(timeIntervalSince1970: 1_893_456_000 + TimeInterval(minutes * 60))
    }

    /// Every job on the audit branch: its runbook, the instant it claimed, and its run's state.
    static func jobs(in sandbox: ServerSandbox) throws -> [(number: String, runbook: String, instant: String?, state: String?)] {
        guard let head = try sandbox.repository.branchHead("audit") else { return [] }
        return try sandbox.repository.files(at: head, under: "jobs").filter { $0.path.hasSuffix("/job.json") }.map { entry in
            let job = try JSONSerialization.jsonObject(with: sandbox.repository.readBlob(entry.blob)) as? [String: Any] ?? [:]
            let folder = (entry.path as NSString).deletingLastPathComponent
            let run = try? sandbox.repository.readFile(folder + "/runs/1/run.json", at: head)
            let state = run.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }?["state"] as? String
            return (job["number"] as? String ?? "?", job["runbook"] as? String ?? "?", job["scheduled_for"] as? String, state)
        }
    }

    @Test("at its instant a schedule runs its runbook as a job, once; a failed run opens an incident, a good one does not")
    func runsAtItsInstant() async throws {
        let sandbox = try ServerSandbox(
            pages: ["nightly": Self.page("Nightly", cron: "* * * * *", script: "echo \"job $RUNBOOK_JOB\"; exit 3"),
                    "fine": Self.page("Fine", cron: "* * * * *", script: "echo ok")],
            clock: Self.clock(1.5, before: Self.minute(10)))
        try await sandbox.test { client in
            let done = try await eventually(timeout: .seconds(15)) { try Self.jobs(in: sandbox).filter { $0.state == "failed" || $0.state == "succeeded" }.count == 2 }
            #expect(done)
            let jobs = try Self.jobs(in: sandbox).sorted { $0.runbook < $1.runbook }
            #expect(jobs.map(\.runbook) == ["fine", "nightly"])
            #expect(jobs.map(\.instant) == ["2030-01-01T00:10:00.000Z", "2030-01-01T00:10:00.000Z"])
            #expect(jobs.map(\.state) == ["succeeded", "failed"])
            #expect(Set(jobs.map(\.number)) == ["JOB0000001", "JOB0000002"])

            #expect(try await eventually { !sandbox.store.incidents().isEmpty })
            let incidents = sandbox.store.incidents()
            #expect(incidents.count == 1, "only the failed run opens an incident")
            let incident = try #require(incidents.first)
            #expect(incident.labels["scheduled_runbook"] == "nightly")
            #expect(incident.shortDescription.hasPrefix("Scheduled run of Nightly failed"))
            let failed = try #require(jobs.first { $0.runbook == "nightly" })
            let log = try await client.execute(uri: "/api/v1/runs/\(failed.number)-1/steps/do/log", method: .get, headers: sandbox.auth(.viewer))
            #expect(log.text.contains("job \(failed.number)"), "\(log.text)")
            // The next instant is a minute away: nothing more runs for this one.
            try await Task.sleep(for: .seconds(1))
            #expect(try Self.jobs(in: sandbox).count == 2)
        }
        let head = try #require(try sandbox.repository.branchHead("audit"))
        let claims = try sandbox.repository.history("audit").filter { $0.trailers.contains { $0.key == "Scheduled-For" } }
        #expect(claims.count == 2)
        let verification = try AuditVerifier(repository: sandbox.repository).verify(full: true)
        #expect(verification.failure == nil, "\(head.short)")
    }

    @Test("a scheduled run left waiting for approval by a stopped server, and denied after the restart, opens its incident")
    func resumedRunStillReports() async throws {
        let page = """
            ---
            title: Gated
            schedule: { cron: "*/5 * * * *", timezone: UTC }
            ---
            # Gated

            ## Rotate

            ```sh {approve=true}
            echo rotating
            ```
            """
        let first = try ServerSandbox(pages: ["gated": page], clock: Self.clock(1.5, before: Self.minute(5)))
        try await first.test { _ in
            let waiting = try await eventually(timeout: .seconds(15)) { try Self.jobs(in: first).first?.state == "awaiting-approval" }
            #expect(waiting)
        }
        let restarted = try ServerSandbox(restarting: first, clock: Self.clock(-10, before: Self.minute(5)))
        let (resumed, _) = try await restarted.server.takeOverRuns()
        #expect(resumed.map(\.id.description) == ["JOB0000001-1"])
        try await restarted.test { client in
            let denial = try await client.execute(uri: "/api/v1/runs/JOB0000001-1/deny", method: .post, headers: restarted.auth(.approver),
                                                  body: body(#"{"reason": "not today"}"#))
            #expect(denial.status == .ok || denial.status == .accepted, "\(denial.text)")
            let opened = try await eventually { !restarted.store.incidents().isEmpty }
            #expect(opened)
            #expect(restarted.store.incidents().first?.labels["scheduled_runbook"] == "gated")
            #expect(try Self.jobs(in: restarted).map(\.state) == ["denied"])
        }
    }

    @Test("after a restart, missed instants run once (the latest) or not at all, as the schedule says; none runs twice")
    func acrossARestart() async throws {
        let pages = ["once": Self.page("Once", cron: "*/5 * * * *", script: "echo once"),
                     "skipper": Self.page("Skipper", cron: "*/5 * * * *", missed: "skip", script: "echo skipper")]
        let first = try ServerSandbox(pages: pages, clock: Self.clock(1.5, before: Self.minute(5)))
        try await first.test { _ in
            let done = try await eventually(timeout: .seconds(15)) { try Self.jobs(in: first).filter { $0.state == "succeeded" }.count == 2 }
            #expect(done)
        }
        #expect(try Self.jobs(in: first).map { $0.instant ?? "-" } == ["2030-01-01T00:05:00.000Z", "2030-01-01T00:05:00.000Z"])

        // Down from 00:05 to 00:21:30: 00:10, 00:15 and 00:20 were missed.
        let restarted = try ServerSandbox(restarting: first, clock: Self.clock(-90, before: Self.minute(20)))
        try await restarted.test { _ in
            let done = try await eventually(timeout: .seconds(15)) { try Self.jobs(in: restarted).filter { $0.state == "succeeded" }.count == 3 }
            #expect(done)
            // A window for a wrong fourth job to show up: an absence has no event to wait for.
            try await Task.sleep(for: .seconds(1))
        }
        let afterRestart = try Self.jobs(in: restarted)
        #expect(afterRestart.filter { $0.runbook == "once" }.map { $0.instant ?? "-" }.sorted() == ["2030-01-01T00:05:00.000Z", "2030-01-01T00:20:00.000Z"])
        #expect(afterRestart.filter { $0.runbook == "skipper" }.map(\.instant) == ["2030-01-01T00:05:00.000Z"])

        // Restarted again at the same moment (as if two servers shared the repository): nothing runs twice. The server
        // gets 2 s to look at its schedules (it does at once) and, wrongly, run one.
        let again = try ServerSandbox(restarting: first, clock: Self.clock(-95, before: Self.minute(20)))
        try await again.test { _ in try await Task.sleep(for: .seconds(2)) }
        #expect(try Self.jobs(in: again).count == 3)
    }
}
