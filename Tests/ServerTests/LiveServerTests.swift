import Executor
import Foundation
import Hummingbird
import HummingbirdTesting
import ITIL
import RunbookServer
import Testing
import Wiki

@Suite("The server on a real port", .timeLimit(.minutes(1)))
struct LiveServerTests {
    @Test("a commit to the wiki is deployed without a restart")
    func wikiCommitIsADeployment() async throws {
        var settings = ServerSettings()
        settings.port = 0
        let sandbox = try ServerSandbox(pages: ["quick": Pages.quick], settings: settings)
        try await sandbox.server.application().test(.live) { client in
            let before = try await client.execute(uri: "/api/v1/runbooks", method: .get, headers: sandbox.auth(.viewer))
            #expect((before.json["runbooks"] as? [Any])?.count == 1)
            try ServerSandbox.commit(["gated": Pages.gated], to: sandbox.repository)
            let deployed = try await eventually(timeout: .seconds(5)) {
                let after = try await client.execute(uri: "/api/v1/runbooks", method: .get, headers: sandbox.auth(.viewer))
                return (after.json["runbooks"] as? [Any])?.count == 2
            }
            #expect(deployed)
        }
    }

    @Test("shutdown gives running steps their grace period, then ends the run interrupted with a work note")
    func shutdownInterruptsRuns() async throws {
        var settings = ServerSettings()
        settings.port = 0
        settings.shutdownGrace = .milliseconds(300)
        let slow = """
            ---
            title: Slow
            match:
              - alertname="Slow"
            ---
            # Slow

            ## Wait

            ```sh
            sleep 30
            ```
            """
        let sandbox = try ServerSandbox(pages: ["slow": slow], settings: settings)
        let stopping = Stopwatch()
        try await sandbox.server.application().test(.live) { client in
            let opened = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                                  body: body(Payloads.alertmanager(alertname: "Slow")))
            #expect(opened.status == .ok)
            let running = try await eventually { try await sandbox.server.registry.runs().first?.steps.first?.state == .running }
            #expect(running)
            stopping.start()
        }
        #expect(stopping.elapsed < .seconds(15), "the 30 s step was not waited for: \(stopping.elapsed) after the shutdown began")
        let run = try await sandbox.server.registry.run(RunID(incident: .first, sequence: 1))
        #expect(run.state == .interrupted)
        #expect(run.steps.first?.state == .interrupted)
        let incident = try sandbox.store.incident(.first)
        #expect(incident.state == .inProgress)
        #expect(incident.workNotes.last?.text.contains("interrupted") == true)
    }
}

/// When something began, set from one task and read in another.
final class Stopwatch: @unchecked Sendable {
    private let lock = NSLock()
    private var began = ContinuousClock.now

    func start() { lock.withLock { began = .now } }
    var elapsed: Duration { lock.withLock { .now - began } }
}
