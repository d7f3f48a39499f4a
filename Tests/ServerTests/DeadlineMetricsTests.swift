import Foundation
import Hummingbird
import HummingbirdTesting
import ITIL
import RunbookServer
import Testing

/// `/metrics` as the team's Prometheus scrapes it: each open incident's deadlines until they are met, bounded, and
/// what is due soon per priority.
@Suite("Deadline metrics")
struct DeadlineMetricsTests {
    /// The samples of `name` in exposition text, by their label text (`{number="INC0000001",...}`).
    static func samples(_ text: String, _ name: String) -> [String: Double] {
        var found: [String: Double] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            // Label values may hold spaces: the value is after the last one.
            guard let space = line.lastIndex(of: " ") else { continue }
            found[String(line[line.index(line.startIndex, offsetBy: name.count)..<space])] = Double(line[line.index(after: space)...])
        }
        return found
    }

    static func open(_ sandbox: ServerSandbox, _ summary: String, impact: Impact, urgency: Urgency, service: String) async throws -> Incident {
        try await sandbox.store.open(IncidentRequest(shortDescription: summary, service: service, impact: impact, urgency: urgency),
                                     actor: "test").incident
    }

    @Test("each open incident's response and resolution due times, until met; counts due soon; escaped labels")
    func deadlines() async throws {
        let sandbox = try ServerSandbox()
        let p1 = try await Self.open(sandbox, "Checkout down", impact: .high, urgency: .high, service: #"checkout "eu"\n"#)
        let p3 = try await Self.open(sandbox, "Slow report", impact: .medium, urgency: .medium, service: "reports")
        let resolved = try await Self.open(sandbox, "Gone", impact: .high, urgency: .high, service: "gone")
        _ = try await sandbox.store.apply([.acknowledged, .transitioned(to: .resolved, code: .solutionProvided, notes: "fixed")], to: resolved.number,
                                          actor: "alice")
        try await sandbox.test { client in
            var text = try await client.execute(uri: "/metrics", method: .get).text
            var due = Self.samples(text, "runbook_incident_deadline_timestamp_seconds")
            let p1Labels = #"{number="\#(p1.number)",priority="1",service="checkout \"eu\"\\n",kind="response"}"#
            let responseDue = try #require(p1.sla.responseDue?.timeIntervalSince1970)
            #expect(abs((due[p1Labels] ?? 0) - responseDue) < 0.001, "\(due) \(responseDue)")
            #expect(due.count == 4, "response and resolution of the two open incidents, none for the resolved one: \(due.keys)")
            #expect(!due.keys.contains { $0.contains(resolved.number.description) })
            #expect(Self.samples(text, "runbook_incident_deadlines_omitted")[""] == 0)
            // P1 responds within 15 minutes: due within 15 min and 1 h; nothing else is.
            let soon = Self.samples(text, "runbook_incidents_due")
            #expect(soon[#"{kind="response",within="15m"}"#] == 1 && soon[#"{kind="response",within="1h"}"#] == 1, "\(soon)")
            #expect(soon[#"{kind="resolution",within="1h"}"#] == 0)
            let next = Self.samples(text, "runbook_sla_next_deadline_seconds")[#"{priority="1",kind="response"}"#] ?? 0
            #expect(next > 800 && next <= 900, "\(next)")

            // Acknowledged: the response target is met, so its series goes; the resolution's stays.
            _ = try await sandbox.store.apply(.acknowledged, to: p1.number, actor: "alice")
            text = try await client.execute(uri: "/metrics", method: .get).text
            due = Self.samples(text, "runbook_incident_deadline_timestamp_seconds")
            #expect(!due.keys.contains(p1Labels))
            #expect(due.keys.contains(p1Labels.replacingOccurrences(of: "response", with: "resolution")))
            #expect(Self.samples(text, "runbook_incidents_due")[#"{kind="response",within="15m"}"#] == 0)
        }
    }

    @Test("the per-incident series are bounded: the soonest deadlines are kept and the rest counted")
    func bounded() async throws {
        var settings = ServerSettings()
        settings.metricsIncidentLimit = 1
        let sandbox = try ServerSandbox(settings: settings)
        let later = try await Self.open(sandbox, "Slow report", impact: .medium, urgency: .medium, service: "reports")
        let sooner = try await Self.open(sandbox, "Checkout down", impact: .high, urgency: .high, service: "checkout")
        try await sandbox.test { client in
            let text = try await client.execute(uri: "/metrics", method: .get).text
            let due = Self.samples(text, "runbook_incident_deadline_timestamp_seconds")
            #expect(due.keys.allSatisfy { $0.contains(sooner.number.description) } && due.count == 2, "\(due.keys)")
            #expect(!text.contains(later.number.description))
            #expect(Self.samples(text, "runbook_incident_deadlines_omitted")[""] == 1)
            // The summaries count every open incident, bounded or not.
            #expect(Self.samples(text, "runbook_incidents_due")[#"{kind="response",within="15m"}"#] == 1)
            #expect(Self.samples(text, "runbook_sla_next_deadline_seconds").keys.contains { $0.contains(#"priority="3""#) })
        }
    }
}
