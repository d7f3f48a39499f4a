import Foundation
import Hummingbird
import HummingbirdTesting
import ITIL
import RunbookServer
import Testing

@Suite("Alert intake over HTTP", .timeLimit(.minutes(1)))
struct IntakeRouteTests {
    @Test("an Alertmanager alert opens an incident and runs its runbook; re-delivery commits nothing")
    func alertmanagerOpensAndDedups() async throws {
        let sandbox = try ServerSandbox(pages: ["quick": Pages.quick])
        try await sandbox.test { client in
            let first = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                                 body: body(Payloads.alertmanager()))
            #expect(first.status == .ok)
            #expect(first.text.contains(#""outcome":"opened""#))
            let resolved = try await eventually { try sandbox.store.incident(.first).state == .resolved }
            #expect(resolved, "the run resolves the incident")
            // An alert no runbook matches stays open; Alertmanager sends it again every repeat interval.
            let unmatched = body(Payloads.alertmanager(alertname: "Unmatched", fingerprint: "ffffffffffffffff"))
            let again = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                                 body: unmatched)
            #expect(again.text.contains(#""outcome":"opened""#), "a different fingerprint is a different alert")
            let beforeRepeat = try sandbox.store.auditLog.head()
            let repeated = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                                    body: unmatched)
            #expect(repeated.text.contains(#""outcome":"unchanged""#))
            #expect(try sandbox.store.auditLog.head() == beforeRepeat, "a re-delivered firing alert commits nothing")
            let incident = try sandbox.store.incident(.first)
            #expect(incident.closeCode == .solutionProvided)
            #expect(incident.actorNames.contains("responder"), "the token's name is the actor")
        }
    }

    @Test("a resolved alert resolves its incident, or only notes it when the runbook says resolve: never")
    func resolvedAlerts() async throws {
        let sandbox = try ServerSandbox(pages: ["manual": Pages.manual])
        try await sandbox.test { client in
            try await Self.send(alertname: "Unmatched", fingerprint: "0000000000000001", to: client, of: sandbox)
            try await Self.send(alertname: "Manual", fingerprint: "0000000000000002", to: client, of: sandbox)
            #expect(try await Self.aRunEnded(in: sandbox))
            for fingerprint in ["0000000000000001", "0000000000000002"] {
                let name = fingerprint.hasSuffix("1") ? "Unmatched" : "Manual"
                let response = try await client.execute(
                    uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                    body: body(Payloads.alertmanager(alertname: name, status: "resolved", fingerprint: fingerprint)))
                #expect(response.status == .ok)
            }
            let unmatched = try sandbox.store.incident(.first)
            #expect(unmatched.state == .resolved)
            #expect(unmatched.closeCode == .resolvedByCaller)
            let manual = try sandbox.store.incident(IncidentNumber(2)!)
            #expect(manual.state == .inProgress)
            #expect(manual.workNotes.last?.text.contains("leaves resolving to a person") == true)
            // Alertmanager sends the resolved group again: nothing changes.
            let head = try sandbox.store.auditLog.head()
            _ = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                         body: body(Payloads.alertmanager(alertname: "Unmatched", status: "resolved", fingerprint: "0000000000000001")))
            #expect(try sandbox.store.auditLog.head() == head)
        }
    }

    @Test("a resolved alert follows the resolve policy of the runbook its run ran, not a later edit of the wiki")
    func resolvePolicyOfTheRun() async throws {
        let sandbox = try ServerSandbox(pages: ["manual": Pages.manual])
        try await sandbox.test { client in
            try await Self.send(alertname: "Manual", fingerprint: "0000000000000002", to: client, of: sandbox)
            #expect(try await Self.aRunEnded(in: sandbox))
            // Someone drops `resolve: never` from the page after the run; the deployed wiki now says auto-resolve.
            try ServerSandbox.commit(["manual": Pages.manual.replacingOccurrences(of: "resolve: never\n", with: "")], to: sandbox.repository)
            _ = try await sandbox.server.wiki.refresh()
            #expect(await sandbox.server.wiki.library.runbook("manual")?.resolve != .never)
            try await Self.send(alertname: "Manual", status: "resolved", fingerprint: "0000000000000002", to: client, of: sandbox)
            let incident = try sandbox.store.incident(.first)
            #expect(incident.state == .inProgress, "the run promised to leave resolving to a person")
            #expect(incident.workNotes.last?.text.contains("leaves resolving to a person") == true)
        }
    }

    /// Posts one alert in an Alertmanager webhook, as the responder.
    private static func send(alertname: String, status: String = "firing", fingerprint: String, to client: any TestClientProtocol,
                             of sandbox: ServerSandbox) async throws {
        let response = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                                body: body(Payloads.alertmanager(alertname: alertname, status: status, fingerprint: fingerprint)))
        #expect(response.status == .ok)
    }

    /// Whether some run of the sandbox's server ended, waiting for one.
    private static func aRunEnded(in sandbox: ServerSandbox) async throws -> Bool {
        try await eventually { !(try await sandbox.server.registry.runs().filter { $0.state.isFinal }.isEmpty) }
    }

    @Test("Grafana's documented payload opens one incident per alert")
    func grafana() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let response = try await client.execute(uri: "/api/v1/alerts/grafana", method: .post, headers: sandbox.auth(.responder),
                                                    body: body(Payloads.grafana))
            #expect(response.status == .ok)
            let incidents = sandbox.store.incidents()
            #expect(incidents.map(\.shortDescription) == ["This alert was triggered for zone us-1", "This alert was triggered for zone eu-1"])
            #expect(incidents.allSatisfy { $0.alerts.first?.source == "grafana" })
        }
    }

    @Test("PagerDuty: trigger, acknowledge and resolve by dedup_key, with PagerDuty's responses")
    func pagerDuty() async throws {
        let sandbox = try ServerSandbox()
        let key = sandbox.secrets[.responder]!
        try await sandbox.test { client in
            let trigger = try await client.execute(uri: "/v2/enqueue", method: .post, body: body(Payloads.pagerDuty(routingKey: key)))
            #expect(trigger.status == .accepted)
            #expect(trigger.json["status"] as? String == "success")
            #expect(trigger.json["message"] as? String == "Event processed")
            #expect(trigger.json["dedup_key"] as? String == "samplekeyhere")
            var incident = try sandbox.store.incident(.first)
            #expect(incident.labels["component"] == "postgres")
            #expect(incident.shortDescription == "Example alert on host1.example.com")
            let ack = try await client.execute(uri: "/v2/enqueue", method: .post,
                                               body: body(Payloads.pagerDuty(routingKey: key, action: "acknowledge")))
            #expect(ack.status == .accepted)
            #expect(try sandbox.store.incident(.first).state == .inProgress)
            _ = try await client.execute(uri: "/v2/enqueue", method: .post, body: body(Payloads.pagerDuty(routingKey: key, action: "resolve")))
            incident = try sandbox.store.incident(.first)
            #expect(incident.state == .resolved)
            // After resolution the same dedup_key opens a new incident.
            _ = try await client.execute(uri: "/v2/enqueue", method: .post, body: body(Payloads.pagerDuty(routingKey: key)))
            #expect(sandbox.store.incidents().count == 2)
            // Without a dedup_key one is generated and returned.
            let generated = try await client.execute(uri: "/v2/enqueue", method: .post,
                                                     body: body(Payloads.pagerDuty(routingKey: key, dedupKey: nil)))
            #expect((generated.json["dedup_key"] as? String)?.count == 32)
        }
    }

    @Test("PagerDuty: invalid events get 400 with every problem listed; a bad routing key is refused; too many get 429")
    func pagerDutyErrors() async throws {
        var settings = ServerSettings()
        settings.pagerDutyEventsPerMinute = 2
        let sandbox = try ServerSandbox(settings: settings)
        let key = sandbox.secrets[.responder]!
        try await sandbox.test { client in
            let invalid = try await client.execute(uri: "/v2/enqueue", method: .post, body: body("""
                {"routing_key": "\(key)", "event_action": "trigger", "payload": {"severity": "loud"}}
                """))
            #expect(invalid.status == .badRequest)
            #expect(invalid.json["status"] as? String == "invalid event")
            let errors = invalid.json["errors"] as? [String] ?? []
            #expect(errors.contains { $0.contains("payload.summary") })
            #expect(errors.contains { $0.contains("payload.source") })
            #expect(errors.contains { $0.contains("payload.severity") })
            let badKey = try await client.execute(uri: "/v2/enqueue", method: .post, body: body(Payloads.pagerDuty(routingKey: "nope")))
            #expect(badKey.status == .badRequest)
            #expect(sandbox.store.incidents().isEmpty)
            let viewer = try await client.execute(uri: "/v2/enqueue", method: .post,
                                                  body: body(Payloads.pagerDuty(routingKey: sandbox.secrets[.viewer]!)))
            #expect(viewer.status == .forbidden)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 {
                statuses.append(try await client.execute(uri: "/v2/enqueue", method: .post, body: body(Payloads.pagerDuty(routingKey: key))).status)
            }
            #expect(statuses == [.accepted, .accepted, .tooManyRequests])
        }
    }

    @Test("POST /api/v1/incidents opens an incident for people and scripts")
    func restIncident() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let created = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder), body: body("""
                {"short_description": "Checkout is slow", "severity": "critical", "labels": {"service": "checkout"}, "dedup_key": "slow-1"}
                """))
            #expect(created.status == .created)
            #expect(created.json["number"] as? String == "INC0000001")
            #expect(created.json["opened_by"] as? String == "responder")
            let repeated = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder), body: body("""
                {"short_description": "Checkout is slow", "dedup_key": "slow-1"}
                """))
            #expect(repeated.status == .ok)
            let blank = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                 body: body(#"{"short_description": "  "}"#))
            #expect(blank.status == .badRequest)
            #expect(blank.errorField == "short_description")
        }
    }

    @Test("POST /api/v1/incidents takes the reporter's impact, urgency, service and category, checked")
    func restIncidentAssessment() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let created = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder), body: body("""
                {"short_description": "Payments down", "impact": 1, "urgency": 1, "service": "payments", "category": "network"}
                """))
            #expect(created.status == .created)
            #expect(created.json["priority"] as? Int == 1)
            #expect(created.json["service"] as? String == "payments")
            #expect(created.json["category"] as? String == "network")
            let outOfRange = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                      body: body(#"{"short_description": "x", "impact": 1, "urgency": 4}"#))
            #expect(outOfRange.status == .badRequest)
            #expect(outOfRange.errorField == "urgency")
            let wrongType = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                     body: body(#"{"short_description": "x", "impact": "high"}"#))
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.errorField == "impact")
            let listed = try await client.execute(uri: "/api/v1/incidents", method: .get, headers: sandbox.auth(.viewer))
            #expect((listed.json["incidents"] as? [Any])?.count == 1, "refused reports open nothing")
        }
    }
}

extension Incident {
    /// Everyone who appears in the timeline.
    var actorNames: Set<String> { Set(workNotes.map(\.author) + [openedBy]) }
}
