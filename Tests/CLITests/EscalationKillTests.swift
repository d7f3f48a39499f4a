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
        // Kill during each level's wait, restarting at once each time: once the level's outcome is committed (the
        // event stream says so), not at fixed instants, which on a slow machine can land between a page's delivery
        // and the commit of its outcome. There a restart sends the page again under the same key, by design (a
        // receiver drops it), and this test could not tell that from a page sent twice.
        for delivered in [1, 2, 4] {
            let outcomes = await served.follow(cli, until: { $0.count(of: " by hook: ") >= delivered })
            #expect(outcomes, "no outcome for \(delivered) pages")
            served.kill9()
            served = try cli.serve(token: token)
        }
        defer { served.stop() }
        let exhausted = await served.follow(cli, until: { $0.contains(" escalation-exhausted ") })
        #expect(exhausted)
        let keys = try receiver.recordedRequests().compactMap { $0.header("Idempotency-Key") }
        #expect(keys.sorted() == [
            "INC0000001/c1/l1/r0/alice/hook", "INC0000001/c1/l2/r0/bob/hook",
            "INC0000001/c1/l3/r0/alice/hook", "INC0000001/c1/l3/r0/bob/hook",
        ])
        let log = try cli.git(wiki, ["log", "--reverse", "--format=%aI %s", "audit"])
        #expect(log.components(separatedBy: "paged level").count - 1 == 3, "\(log)")
        // On time: each level is due two seconds after the one before, and nothing went out before it was due.
        let state = try JSONSerialization.jsonObject(with: Data(cli.git(wiki, [
            "show", "audit:incidents/000/00/INC0000001/escalation/state.json"]).utf8)) as? [String: Any]
        let notifications = state?["notifications"] as? [[String: Any]] ?? []
        let dates = ISO8601DateFormatter()
        var due: [Int: Date] = [:]
        for notification in notifications {
            guard let level = notification["level"] as? Int, let planned = (notification["due"] as? String).flatMap(dates.date),
                  let sent = ((notification["outcome"] as? [String: Any])?["at"] as? String).flatMap(dates.date) else {
                Issue.record("unreadable notification \(notification)")
                continue
            }
            due[level] = planned
            #expect(sent >= planned, "level \(level) sent at \(sent), due \(planned)")
        }
        #expect(due.count == 3)
        if let first = due[1], let second = due[2], let third = due[3] {
            #expect(second.timeIntervalSince(first) == 2 && third.timeIntervalSince(second) == 2, "\(due)")
        }
        let verified = try cli.run(["audit", "verify"])
        #expect(verified.status == 0, "\(verified.stderr)")
    }
}

/// The lines a follower has read so far, for a condition over all of them.
final class LinesSeen: @unchecked Sendable {
    private var text = ""
    private let lock = NSLock()

    func add(_ line: String, _ done: (String) -> Bool) -> Bool {
        lock.withLock {
            text += line + "\n"
            return done(text)
        }
    }
}

extension String {
    /// How many times `part` occurs.
    func count(of part: String) -> Int { components(separatedBy: part).count - 1 }
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
