import Foundation
import TestReceivers
import Testing

/// The escalation of a server killed with SIGKILL three times while it escalates: every level is paged, each exactly
/// once, none before its time, and the audit trail still verifies.
@Suite("Escalation across kill -9", .timeLimit(.minutes(2)))
struct EscalationKillTests {
    /// Three levels two seconds apart: alice, bob, then both.
    static let policy = """
        levels:
          - notify: [ { person: alice } ]
            wait: 2s
          - notify: [ { person: bob } ]
            wait: 2s
          - notify: [ { person: alice }, { person: bob } ]
            wait: 2s
        """

    static let people = """
        people:
          - id: alice
            name: Alice
            time_zone: Europe/Berlin
            contacts:
              - { name: hook, type: webhook, secret: alice-webhook }
          - id: bob
            name: Bob
            time_zone: America/New_York
            contacts:
              - { name: hook, type: webhook, secret: bob-webhook }
        """

    @Test("kill -9 three times during escalation: each level paged exactly once, on time")
    func killedThreeTimes() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.wiki(runbooks: [:])
        let wiki = cli.path(".runbook/wiki")
        try Self.people.write(toFile: wiki + "/oncall/people.yaml", atomically: true, encoding: .utf8)
        try Self.policy.write(toFile: wiki + "/oncall/policies/default.yaml", atomically: true, encoding: .utf8)
        _ = try cli.git(wiki, ["-c", "user.name=Test", "-c", "user.email=t@example.com", "commit", "-qam", "Three quick levels"])
        let secrets = """
            link_key: \(Data(repeating: 7, count: 32).base64EncodedString())
            values:
              alice-webhook: \(receiver.url("/alice").absoluteString)
              bob-webhook: \(receiver.url("/bob").absoluteString)
            """
        FileManager.default.createFile(atPath: cli.path(".runbook/secrets.yaml"), contents: Data(secrets.utf8),
                                       attributes: [.posixPermissions: 0o600])

        var served = try cli.serve()
        let token = served.token
        let opened = try await LoopbackHTTP.request(
            served.url + "/api/v1/incidents", method: "POST", token: token, body: Data(#"{"short_description":"Disk full"}"#.utf8))
        #expect(opened.status == 201)
        let start = Date()
        // Kill in the middle of each level's wait (levels page about 0, 2 and 4 s in), restarting at once each time.
        // A kill between a page's delivery and the commit of its outcome would send it again under the same key, by
        // design (a receiver drops it); mid-wait the outcome is long committed, so each key arrives exactly once.
        for offset in [1.0, 3.0, 5.0] {
            let wait = offset - Date().timeIntervalSince(start)
            if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
            served.kill9()
            served = try cli.serve(token: token)
        }
        defer { served.stop() }
        // The server's event stream says when the escalation has run its course (replayed from the start, so an
        // event before the follower connected counts too).
        let follower = try cli.start(served.args(["events", "--incident", "INC0000001", "--after", "-", "--no-output"]))
        let timeout = Task {
            try await Task.sleep(for: .seconds(30))
            follower.process.terminate()
        }
        let exhausted = await follower.firstLine { $0.contains(" escalation-exhausted ") }
        timeout.cancel()
        follower.process.terminate()
        #expect(exhausted != nil)
        let keys = try receiver.recordedRequests().compactMap { $0.header("Idempotency-Key") }
        #expect(keys.sorted() == [
            "INC0000001/c1/l1/r0/alice/hook", "INC0000001/c1/l2/r0/bob/hook",
            "INC0000001/c1/l3/r0/alice/hook", "INC0000001/c1/l3/r0/bob/hook",
        ])
        let log = try cli.git(wiki, ["log", "--reverse", "--format=%aI %s", "audit"])
        #expect(log.components(separatedBy: "paged level").count - 1 == 3, "\(log)")
        let verified = try cli.run(["audit", "verify"])
        #expect(verified.status == 0, "\(verified.stderr)")
    }
}

extension CLI.Running {
    /// The first line of standard output that `matches`, read on a thread of its own (the reads block); nil when the
    /// output ends first.
    func firstLine(where matches: @escaping @Sendable (String) -> Bool) async -> String? {
        let handle = out.fileHandleForReading
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var text = ""
                while true {
                    let data = handle.availableData
                    if data.isEmpty { return continuation.resume(returning: nil) }
                    text += String(decoding: data, as: UTF8.self)
                    while let end = text.firstIndex(of: "\n") {
                        let line = String(text[..<end])
                        text.removeSubrange(...end)
                        if matches(line) { return continuation.resume(returning: line) }
                    }
                }
            }
        }
    }
}
