import Foundation
import Hummingbird
import HummingbirdTesting
import ITIL
import RunbookServer
import Testing
import Wiki

@Suite("REST API v1", .timeLimit(.minutes(1)))
struct APIRouteTests {
    /// Opens an incident through the REST intake; returns its number.
    private func open(_ summary: String, labels: String = "{}", _ client: some TestClientProtocol, _ sandbox: ServerSandbox) async throws -> String {
        let response = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                body: body(#"{"short_description": "\#(summary)", "labels": \#(labels)}"#))
        return response.json["number"] as? String ?? ""
    }

    @Test("incidents: list with filters and paging, get, transition and note, with errors that say what was wrong")
    func incidents() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            for index in 1...5 { _ = try await open("Disk \(index)", client, sandbox) }
            let page = try await client.execute(uri: "/api/v1/incidents?limit=2&offset=1", method: .get, headers: sandbox.auth(.viewer))
            #expect(page.status == .ok)
            #expect((page.json["incidents"] as? [[String: Any]])?.map { $0["number"] as? String } == ["INC0000004", "INC0000003"])
            #expect(page.json["total"] as? Int == 5)
            let search = try await client.execute(uri: "/api/v1/incidents?q=disk%203", method: .get, headers: sandbox.auth(.viewer))
            #expect(search.json["total"] as? Int == 1)

            let acknowledged = try await client.execute(uri: "/api/v1/incidents/INC0000003/acknowledge", method: .post,
                                                        headers: sandbox.auth(.responder))
            #expect(acknowledged.status == .ok)
            #expect(acknowledged.json["state"] as? String == "in-progress")
            #expect((acknowledged.json["sla"] as? [String: Any])?["responded_at"] != nil, "the response")
            let viewerAck = try await client.execute(uri: "/api/v1/incidents/INC0000003/acknowledge", method: .post, headers: sandbox.auth(.viewer))
            #expect(viewerAck.status == .forbidden)
            let head = try sandbox.repository.branchHead("audit")
            let again = try await client.execute(uri: "/api/v1/incidents/INC0000003/acknowledge", method: .post,
                                                 headers: sandbox.auth(.responder))
            #expect(again.status == .ok)
            #expect(again.json["acknowledged_by"] as? String == "responder")
            #expect(try sandbox.repository.branchHead("audit") == head, "acknowledging again records nothing")

            let note = try await client.execute(uri: "/api/v1/incidents/INC0000002/notes", method: .post, headers: sandbox.auth(.responder),
                                                body: body(#"{"text": "looking at it"}"#))
            #expect(note.status == .ok)
            let incomplete = try await client.execute(uri: "/api/v1/incidents/INC0000002/transition", method: .post,
                                                      headers: sandbox.auth(.responder), body: body(#"{"state": "resolved"}"#))
            #expect(incomplete.status == .badRequest)
            #expect(incomplete.errorField == "close_code")
            let resolved = try await client.execute(
                uri: "/api/v1/incidents/INC0000002/transition", method: .post, headers: sandbox.auth(.responder),
                body: body(#"{"state": "resolved", "close_code": "Workaround provided", "close_notes": "restarted"}"#))
            #expect(resolved.status == .ok)
            #expect(resolved.json["state"] as? String == "resolved")
            let back = try await client.execute(uri: "/api/v1/incidents/INC0000002/transition", method: .post, headers: sandbox.auth(.responder),
                                                body: body(#"{"state": "new"}"#))
            #expect(back.status == .conflict)
            #expect(back.errorCode == "invalid_transition")
            let open = try await client.execute(uri: "/api/v1/incidents?state=open", method: .get, headers: sandbox.auth(.viewer))
            #expect(open.json["total"] as? Int == 4)

            let shown = try await client.execute(uri: "/api/v1/incidents/INC0000002", method: .get, headers: sandbox.auth(.viewer))
            #expect(shown.json["close_notes"] as? String == "restarted")
            #expect((shown.json["work_notes"] as? [[String: Any]])?.contains { $0["text"] as? String == "looking at it" } == true)
            let unknown = try await client.execute(uri: "/api/v1/incidents/INC0000099", method: .get, headers: sandbox.auth(.viewer))
            #expect(unknown.status == .notFound)
            let malformed = try await client.execute(uri: "/api/v1/incidents/42", method: .get, headers: sandbox.auth(.viewer))
            #expect(malformed.status == .badRequest)
            let badState = try await client.execute(uri: "/api/v1/incidents?state=sleeping", method: .get, headers: sandbox.auth(.viewer))
            #expect(badState.errorField == "state")
            let badLimit = try await client.execute(uri: "/api/v1/incidents?limit=0", method: .get, headers: sandbox.auth(.viewer))
            #expect(badLimit.errorField == "limit")
        }
    }

    @Test("runs: a step waiting for approval is approved by an approver, who is recorded; logs and lists")
    func runsAndApprovals() async throws {
        let sandbox = try ServerSandbox(pages: ["gated": Pages.gated])
        try await sandbox.test { client in
            _ = try await open("Gated", labels: #"{"alertname": "Gated"}"#, client, sandbox)
            let waiting = try await eventually { try await sandbox.server.registry.runs().first?.state == .awaitingApproval }
            #expect(waiting)
            let list = try await client.execute(uri: "/api/v1/runs?state=awaiting-approval", method: .get, headers: sandbox.auth(.viewer))
            #expect(list.json["total"] as? Int == 1)
            // What the shipped RunbookApprovalWaiting rule reads: how many wait, and how long the oldest has.
            try await Task.sleep(for: .milliseconds(1100))
            let waitingMetrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(waitingMetrics.contains("runbook_runs_awaiting_approval 1"))
            let waited = waitingMetrics.split(separator: "\n").first { $0.hasPrefix("runbook_run_approval_oldest_wait_seconds ") }
                .flatMap { Double($0.split(separator: " ")[1]) } ?? 0
            #expect(waited >= 1 && waited < 30, "\(waited)")
            let log = try await client.execute(uri: "/api/v1/runs/INC0000001-1/steps/check/log", method: .get, headers: sandbox.auth(.viewer))
            #expect(log.status == .ok)
            #expect(log.text.contains("checking"))
            #expect(log.headers[.xContentTypeOptions] == "nosniff", "step output is never sniffed as HTML")
            let early = try await client.execute(uri: "/api/v1/runs/INC0000001-1/steps/restart/log", method: .get, headers: sandbox.auth(.viewer))
            #expect(early.status == .notFound)
            let denyWithoutReason = try await client.execute(uri: "/api/v1/runs/INC0000001-1/deny", method: .post, headers: sandbox.auth(.approver))
            #expect(denyWithoutReason.errorField == "reason")
            let approved = try await client.execute(uri: "/api/v1/runs/INC0000001-1/approve", method: .post, headers: sandbox.auth(.approver),
                                                    body: body(#"{"reason": "go"}"#))
            #expect(approved.status == .ok)
            #expect(approved.json["step"] as? String == "restart")
            let done = try await eventually { try await sandbox.server.registry.run(.init(incident: .first, sequence: 1)).state == .succeeded }
            #expect(done)
            let run = try await client.execute(uri: "/api/v1/runs/INC0000001-1", method: .get, headers: sandbox.auth(.viewer))
            let steps = run.json["steps"] as? [[String: Any]] ?? []
            #expect(steps.last?["decided_by"] as? String == "approver")
            let again = try await client.execute(uri: "/api/v1/runs/INC0000001-1/cancel", method: .post, headers: sandbox.auth(.responder))
            #expect(again.status == .conflict, "a finished run cannot be canceled")
            let unknown = try await client.execute(uri: "/api/v1/runs/INC0000009-1", method: .get, headers: sandbox.auth(.viewer))
            #expect(unknown.status == .notFound)
        }
    }

    @Test("runbooks: the list, one parsed, one as HTML with the page's raw HTML left out")
    func runbooks() async throws {
        let page = Pages.quick + "\n\n<script>alert(1)</script>\n"
        let sandbox = try ServerSandbox(pages: ["quick": page])
        try await sandbox.test { client in
            let list = try await client.execute(uri: "/api/v1/runbooks", method: .get, headers: sandbox.auth(.viewer))
            #expect((list.json["runbooks"] as? [[String: Any]])?.first?["id"] as? String == "quick")
            let shown = try await client.execute(uri: "/api/v1/runbooks/quick", method: .get, headers: sandbox.auth(.viewer))
            #expect(((shown.json["runbook"] as? [String: Any])?["steps"] as? [Any])?.count == 1)
            let html = try await client.execute(uri: "/api/v1/runbooks/quick/html", method: .get, headers: sandbox.auth(.viewer))
            #expect(html.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(html.text.contains("<h2>Say hello</h2>"))
            #expect(!html.text.contains("<script>"))
            #expect(!html.text.contains("alertname"), "the front matter is settings, not part of the page")
            let missing = try await client.execute(uri: "/api/v1/runbooks/nope", method: .get, headers: sandbox.auth(.viewer))
            #expect(missing.status == .notFound)
        }
    }

    @Test("/metrics shows incidents by state and priority, intake and HTTP requests; health and readiness answer")
    func operations() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            _ = try await open("One", client, sandbox)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains(#"runbook_incidents{state="new",priority="3"} 1"#))
            #expect(metrics.text.contains(#"runbook_intake_total{source="rest",outcome="opened"} 1"#))
            #expect(metrics.text.contains(#"runbook_http_requests_total{method="POST",route="/api/v1/incidents",status="201"} 1"#))
            #expect(metrics.text.contains("runbook_audit_commit_seconds_count"))
            #expect(metrics.text.contains("runbook_audit_journal_failed_cycles 0"), "what RunbookAuditCommitsFailing reads")
            // Every family says what it is (`promtool check metrics` asks the same).
            let lines = metrics.text.split(separator: "\n")
            let typed = lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
            let helped = Set(lines.filter { $0.hasPrefix("# HELP ") }.map { $0.split(separator: " ")[2] })
            #expect(typed.count > 20 && typed.allSatisfy(helped.contains), "no help: \(typed.filter { !helped.contains($0) })")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.json["status"] as? String == "ready")
        }
    }
}

@Suite("Run events as Server-Sent Events", .timeLimit(.minutes(1)))
struct RunEventTests {
    @Test("a client following a run sees its next step start, its output line by line, and the run end")
    func liveStream() async throws {
        let sandbox = try ServerSandbox(pages: ["gated": Pages.gated])
        try await sandbox.test { client in
            _ = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                         body: body(#"{"short_description": "Gated", "labels": {"alertname": "Gated"}}"#))
            #expect(try await eventually { try await sandbox.server.registry.runs().first?.state == .awaitingApproval })
            async let stream = client.execute(uri: "/api/v1/runs/INC0000001-1/events", method: .get, headers: sandbox.auth(.viewer))
            try await Task.sleep(for: .milliseconds(300))
            _ = try await client.execute(uri: "/api/v1/runs/INC0000001-1/approve", method: .post, headers: sandbox.auth(.approver))
            let response = try await stream
            #expect(response.headers[.contentType] == "text/event-stream")
            let events = response.text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { $0.dropFirst(7) }
            #expect(events.first == "run")
            #expect(events.contains("step-started"))
            #expect(events.last == "run-ended")
            #expect(response.text.contains(#"restarting"#), "the step's output line is in the stream")
        }
    }

    /// A follower that opens the stream only once a quick run is over still sees each step as it went.
    @Test("a run that ended a moment ago streams its whole progress and its end")
    func finishedRun() async throws {
        let sandbox = try ServerSandbox(pages: ["quick": Pages.quick])
        try await sandbox.test { client in
            _ = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                         body: body(#"{"short_description": "Quick", "labels": {"alertname": "QuickFix"}}"#))
            #expect(try await eventually { await sandbox.server.scheduler.active == 0 && sandbox.store.incidents().first?.runs.isEmpty == false })
            let response = try await client.execute(uri: "/api/v1/runs/INC0000001-1/events", method: .get, headers: sandbox.auth(.viewer))
            let events = response.text.split(separator: "\n").filter { $0.hasPrefix("event: ") }
            #expect(events == ["event: run", "event: started", "event: step-started", "event: output", "event: step-ended", "event: run-ended"])
            let ended = try #require(response.text.components(separatedBy: "event: run-ended\ndata: ").last)
            #expect(ended.contains(#""state":"succeeded""#), "the end carries the final record: \(ended)")
        }
    }
}
