import Escalation
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ITIL
import Notify
import OnCall
import RunbookServer
import TestReceivers
import Testing
import Wiki

/// Paging through the running server: a real HTTP receiver gets the webhooks, the engine's real timers escalate.
@Suite("Paging", .timeLimit(.minutes(1)))
struct PagingTests {
    /// Alice is on call (one-person rotation); bob is the second level. Waits are seconds, for the live test.
    static func files(wait: String = "2s") -> [String: String] {
        [
            "oncall/people.yaml": """
                people:
                  - id: alice
                    name: Alice
                    time_zone: Europe/Berlin
                    contacts:
                      - { name: hook, type: webhook, secret: alice-webhook }
                    notify:
                      - { contact: hook, after: 0m }
                  - id: bob
                    name: Bob
                    time_zone: America/New_York
                    contacts:
                      - { name: hook, type: webhook, secret: bob-webhook }
                    notify:
                      - { contact: hook, after: 0m }
                """,
            "oncall/schedules/primary.yaml": """
                time_zone: Europe/Berlin
                layers:
                  - name: everyone
                    start: 2026-01-05T09:00
                    turn: weekly
                    participants: [alice]
                fallback: alice
                """,
            "oncall/policies/default.yaml": """
                levels:
                  - notify: [ { schedule: primary } ]
                    wait: \(wait)
                  - notify: [ { person: bob } ]
                    wait: \(wait)
                """,
            "config/oncall.yaml": """
                default_policy:
                  "*": default
                """,
        ]
    }

    static let webhookKey = Array("test-webhook-key-0123456789abcdef".utf8)

    /// A sandbox whose webhooks go to `receiver`.
    static func sandbox(receiver: ScriptServer, wait: String = "2s", live: Bool = false) throws -> ServerSandbox {
        var settings = ServerSettings()
        if live { settings.port = 0 }
        return try ServerSandbox(pages: ["quick": Pages.quick], files: files(wait: wait), settings: settings) { path in
            let secrets = Secrets(
                linkKey: LinkKey.generate(), webhookKey: webhookKey,
                values: ["alice-webhook": receiver.url("/alice").absoluteString, "bob-webhook": receiver.url("/bob").absoluteString])
            return OnCallSetup(
                secrets: secrets, silences: try SilenceBook(path: path + "/silences.json"), publicURL: URL(string: "http://127.0.0.1:1")!,
                retry: RetryPolicy(attempts: 2, baseDelay: .milliseconds(50), maximumDelay: .milliseconds(100), attemptTimeout: .seconds(2)))
        }
    }

    static let alert = #"{"short_description":"Disk almost full on db1 <!channel>","labels":{"instance":"db1"}}"#

    @Test("an incident pages who is on call by a signed webhook, the next level after the wait, and resolving tells both")
    func escalatesOnRealTimers() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let sandbox = try Self.sandbox(receiver: receiver, live: true)
        try await sandbox.server.application().test(.live) { client in
            // From the open, not from when a poll first saw alice's page: a loaded machine saw it a second late once.
            let started = ContinuousClock.now
            let opened = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder), body: body(Self.alert))
            #expect(opened.status == .created)
            #expect(try await eventually { try receiver.recordedRequests().count == 1 })
            let first = try #require(try receiver.recordedRequests().first)
            #expect(first.path == "/alice")
            #expect(first.header("Idempotency-Key") == "INC0000001/c1/l1/r0/alice/hook")
            let timestamp = try #require(first.header("X-Runbook-Timestamp").flatMap(Int.init))
            #expect(WebhookSignature.isValid(try #require(first.header("X-Runbook-Signature")), body: Array(first.body.utf8),
                                             timestamp: timestamp, key: Self.webhookKey))
            // Nobody acknowledges: bob, once, after the level's 2 s.
            #expect(try await eventually { try receiver.recordedRequests().contains { $0.path == "/bob" } })
            #expect(ContinuousClock.now - started > .milliseconds(1200))
            // What the team's Prometheus sees: the level reached, when a page last got through, deliveries per channel.
            #expect(try await eventually {
                let metrics = try await client.execute(uri: "/metrics", method: .get).text
                let level = metrics.split(separator: "\n").first { $0.hasPrefix(#"runbook_incident_escalation_level{number="INC0000001","#) }
                return level?.hasSuffix(" 2") == true
                    && metrics.contains(#"runbook_notifications_total{channel="webhook",outcome="delivered"} 2"#)
                    && metrics.contains(#"runbook_incident_last_page_timestamp_seconds{number="INC0000001""#)
            })
            let resolved = try await client.execute(
                uri: "/api/v1/incidents/INC0000001/transition", method: .post, headers: sandbox.auth(.responder),
                body: body(#"{"state":"resolved","close_code":"Solution provided","close_notes":"cleaned up"}"#))
            #expect(resolved.status == .ok)
            #expect(try await eventually { try receiver.recordedRequests().count == 4 })
            let kinds = try receiver.recordedRequests().map { request in
                (request.path, (try? JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])?["kind"] as? String)
            }
            #expect(kinds.map(\.0) == ["/alice", "/bob", "/alice", "/bob"] || kinds.map(\.0) == ["/alice", "/bob", "/bob", "/alice"])
            #expect(kinds.suffix(2).allSatisfy { $0.1 == "resolved" })
        }
        let subjects = try sandbox.repository.history("audit").map(\.summary)
        #expect(subjects.contains("INC0000001: paged level 2: bob by hook (nobody acknowledged level 1)"))
        let verification = try AuditVerifier(repository: sandbox.repository).verify()
        #expect(verification.failure == nil)
    }

    @Test("a signed link: GET only asks, POST acknowledges once; forged, expired or another incident's links are refused")
    func signedLinks() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let sandbox = try Self.sandbox(receiver: receiver, wait: "10m", live: true)
        try await sandbox.server.application().test(.live) { client in
            _ = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder), body: body(Self.alert))
            _ = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                         body: body(#"{"short_description":"Another"}"#))
            #expect(try await eventually { try receiver.recordedRequests().count == 2 })
            let page = try #require(try receiver.recordedRequests().first { $0.body.contains("INC0000001") })
            let json = try #require(try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any])
            let link = try #require((json["acknowledge_url"] as? String).flatMap(URL.init(string:)))
            let path = link.path
            let token = link.lastPathComponent

            let asked = try await client.execute(uri: path, method: .get)
            #expect(asked.status == .ok)
            #expect(asked.text.contains("Disk almost full on db1 &lt;!channel&gt;"))
            #expect(try sandbox.store.incident(IncidentNumber(1)!).acknowledgedBy == nil, "a GET (a link preview) acknowledges nothing")

            // The MAC's first character carries six whole bits of it (the last one only partly: two of its bits are
            // padding, and changing those gives the same MAC).
            let mac = try #require(token.lastIndex(of: ".")).utf16Offset(in: token) + 1
            var characters = Array(token)
            characters[mac] = characters[mac] == "A" ? "B" : "A"
            let forged = String(characters)
            #expect(try await client.execute(uri: "/links/INC0000001/\(forged)", method: .post).status == .forbidden)
            #expect(try await client.execute(uri: "/links/INC0000002/\(token)", method: .post).status == .forbidden)
            #expect(try sandbox.store.incident(IncidentNumber(1)!).acknowledgedBy == nil)

            let acted = try await client.execute(uri: path, method: .post)
            #expect(acted.status == .ok)
            #expect(acted.text.contains("acknowledged by alice"))
            let again = try await client.execute(uri: path, method: .post)
            #expect(again.text.contains("already acknowledged"))
            let acknowledgements = try sandbox.repository.history("audit").filter { $0.summary.contains("acknowledged by alice") }
            #expect(acknowledgements.count == 1)

            let wav = try await client.execute(uri: "/api/v1/incidents/INC0000001/announcement.wav?link=\(token)", method: .get)
            #expect(wav.status == .ok)
            #expect(wav.headers[.contentType] == "audio/wav")
            #expect(wav.body.readableBytes > 10_000)
            #expect(try await client.execute(uri: "/api/v1/incidents/INC0000001/announcement.wav", method: .get).status == .unauthorized)
            #expect(try await client.execute(uri: "/api/v1/incidents/INC0000001/announcement.wav?link=\(forged)", method: .get).status
                    == .forbidden)
        }
    }

    @Test("an expired link is refused")
    func expiredLink() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let sandbox = try Self.sandbox(receiver: receiver, wait: "10m")
        let key = try #require(sandbox.server.onCall?.links.key)
        try await sandbox.test { client in
            _ = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder), body: body(Self.alert))
            let expired = SignedLink(incident: 1, person: "alice", action: .acknowledge, expires: Date() - 60).token(key: key)
            let refused = try await client.execute(uri: "/links/INC0000001/\(expired)", method: .post)
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("expired"))
            let valid = SignedLink(incident: 1, person: "alice", action: .acknowledge, expires: Date() + 60).token(key: key)
            #expect(try await client.execute(uri: "/links/INC0000001/\(valid)", method: .post).status == .ok)
        }
        #expect(try sandbox.store.incident(IncidentNumber(1)!).acknowledgedBy == "alice")
    }

    @Test("a silence made through the API keeps a matching alert from paging or running its runbook; a bad matcher is a 400")
    func silences() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let sandbox = try Self.sandbox(receiver: receiver, live: true)
        try await sandbox.server.application().test(.live) { client in
            let bad = try await client.execute(uri: "/api/v1/silences", method: .post, headers: sandbox.auth(.responder),
                                               body: body(#"{"matchers":["instance=~\"(\""],"duration":"1h","comment":"x"}"#))
            #expect(bad.status == .badRequest)
            #expect(bad.errorField == "matchers[0]")
            let made = try await client.execute(uri: "/api/v1/silences", method: .post, headers: sandbox.auth(.responder),
                                                body: body(#"{"matchers":["alertname=\"QuickFix\""],"duration":"1h","comment":"db migration"}"#))
            #expect(made.status == .created)
            #expect(made.json["created_by"] as? String == "responder")
            let fired = try await client.execute(
                uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                body: body(#"{"short_description":"Quick","labels":{"alertname":"QuickFix","instance":"db1"}}"#))
            #expect(fired.status == .created)
            #expect(fired.json["silenced_by"] as? String == made.json["id"] as? String)
            // The opening is on the engine's feed before the 2xx: one more look at what changed, and waiting for what it
            // sends, is as far as a page for it could get.
            let engine = try #require(sandbox.server.onCall?.engine)
            await engine.tick()
            await engine.settle()
            #expect(try receiver.recordedRequests().isEmpty)
            #expect(try sandbox.store.incident(IncidentNumber(1)!).runs.isEmpty)
            let list = try await client.execute(uri: "/api/v1/silences?active=true", method: .get, headers: sandbox.auth(.viewer))
            #expect((list.json["silences"] as? [Any])?.count == 1)
            let id = try #require(made.json["id"] as? String)
            #expect(try await client.execute(uri: "/api/v1/silences/\(id)", method: .delete, headers: sandbox.auth(.responder)).status == .ok)
            let after = try await client.execute(uri: "/api/v1/silences?active=true", method: .get, headers: sandbox.auth(.viewer))
            #expect((after.json["silences"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("who is on call, each schedule's shifts and its calendar feed")
    func onCallAPI() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let sandbox = try Self.sandbox(receiver: receiver)
        try await sandbox.test { client in
            let overview = try await client.execute(uri: "/api/v1/oncall", method: .get, headers: sandbox.auth(.viewer))
            let schedules = try #require(overview.json["schedules"] as? [[String: Any]])
            #expect(schedules.first?["on_call"] as? String == "alice")
            #expect((overview.json["problems"] as? [Any])?.isEmpty == true)
            let shifts = try await client.execute(
                uri: "/api/v1/oncall/schedules/primary?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z", method: .get,
                headers: sandbox.auth(.viewer))
            #expect((shifts.json["shifts"] as? [[String: Any]])?.first?["person"] as? String == "alice")
            let ics = try await client.execute(uri: "/api/v1/oncall/schedules/primary/calendar.ics", method: .get, headers: sandbox.auth(.viewer))
            #expect(ics.headers[.contentType] == "text/calendar; charset=utf-8")
            #expect(ics.text.hasPrefix("BEGIN:VCALENDAR\r\n"))
            let unknown = try await client.execute(uri: "/api/v1/oncall/schedules/nope", method: .get, headers: sandbox.auth(.viewer))
            #expect(unknown.status == .notFound)
            #expect(unknown.errorMessage?.contains("known: primary") == true)
            #expect(try await client.execute(uri: "/api/v1/oncall", method: .get).status == .unauthorized)
        }
    }
}
