import Executor
import Foundation
import Glibc
import Hummingbird
import HummingbirdTesting
import ITIL
import RunbookServer
import Testing
import Wiki

/// What the server's state must do for the people using it at once: readers never wait for the writer, a run
/// waiting for a person holds no worker, one large request does not starve small ones, a decision counts once.
@Suite("Live state", .timeLimit(.minutes(1)))
struct LiveStateTests {
    /// Before: while a 2,000-alert webhook was taken in, reads waited 4-10 s behind the writer.
    @Test func readsAnswerWhileAWriteWaitsForTheDisk() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let number = try await Self.open("Disk", client, sandbox)
            // Another process holds the audit writer's lock: every write now waits for it.
            let descriptor = Glibc.open(sandbox.repository.gitDirectory + "/runbook-audit.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            #expect(flock(descriptor, LOCK_EX) == 0)
            async let blocked = client.execute(uri: "/api/v1/incidents/\(number)/notes", method: .post, headers: sandbox.auth(.responder),
                                               body: body(#"{"text": "waits for the lock"}"#))
            try await Task.sleep(for: .milliseconds(200))
            // Were a read to wait for the writer, it would wait for the lock this test holds: forever.
            for uri in ["/api/v1/incidents/\(number)", "/api/v1/incidents", "/api/v1/runs", "/metrics"] {
                let read = try await client.execute(uri: uri, method: .get, headers: sandbox.auth(.viewer))
                #expect(read.status == .ok, "\(uri)")
            }
            close(descriptor)
            #expect(try await blocked.status == .ok, "the write went through once the lock was free")
        }
    }

    /// Before: with 4 workers, 4 runs waiting for approval left every later run queued.
    @Test func runsAwaitingApprovalHoldNoWorker() async throws {
        let sandbox = try ServerSandbox(pages: ["gated": Pages.gated, "quick": Pages.quick], workers: 2)
        try await sandbox.test { client in
            for index in 1...3 {
                _ = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                             body: body(Payloads.alertmanager(alertname: "Gated", fingerprint: "g\(index)")))
            }
            let waiting = try await eventually {
                try await sandbox.server.registry.runs().filter { $0.state == .awaitingApproval }.count == 3
            }
            #expect(waiting, "three runs wait for a person with only two workers")
            _ = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                         body: body(Payloads.alertmanager(alertname: "QuickFix", fingerprint: "q1")))
            let quick = try await eventually {
                try await sandbox.server.registry.runs().contains { $0.runbook == "quick" && $0.state == .succeeded }
            }
            #expect(quick, "a later run got a worker")
            // Approving them all: each takes a worker back in turn and finishes.
            for index in 1...3 {
                let approved = try await client.execute(uri: "/api/v1/runs/INC000000\(index)-1/approve", method: .post,
                                                        headers: sandbox.auth(.approver))
                #expect(approved.status == .ok)
            }
            let done = try await eventually {
                try await sandbox.server.registry.runs().filter { $0.state == .succeeded }.count == 4
            }
            #expect(done)
        }
    }

    /// Before: a second approval answered 200 and committed a second decision.
    @Test func aDecisionCountsOnceAndIsAnsweredTheSameAfter() async throws {
        let sandbox = try ServerSandbox(pages: ["gated": Pages.gated])
        try await sandbox.test { client in
            _ = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                         body: body(Payloads.alertmanager(alertname: "Gated")))
            #expect(try await eventually { try await sandbox.server.registry.runs().first?.state == .awaitingApproval })
            let uri = "/api/v1/runs/INC0000001-1/approve"
            async let first = client.execute(uri: uri, method: .post, headers: sandbox.auth(.approver))
            async let second = client.execute(uri: uri, method: .post, headers: sandbox.auth(.admin))
            let answers = try await [first, second]
            #expect(answers.allSatisfy { $0.status == .ok })
            #expect(Set(answers.map { $0.json["by"] as? String }).count == 1, "both answered with the one decision on record")
            #expect(try await eventually { try await sandbox.server.registry.run(.init(incident: .first, sequence: 1)).state == .succeeded })
            let later = try await client.execute(uri: uri, method: .post, headers: sandbox.auth(.approver))
            #expect(later.status == .ok)
            #expect(later.json["by"] as? String == answers[0].json["by"] as? String)
            let denial = try await client.execute(uri: "/api/v1/runs/INC0000001-1/deny", method: .post, headers: sandbox.auth(.approver),
                                                  body: body(#"{"reason": "too late"}"#))
            #expect(denial.status == .conflict)
            let decisions = try sandbox.repository.history("audit").filter { $0.trailers.contains(Trailer("Event", "approval-given")) }
            #expect(decisions.count == 1)
        }
    }

    /// A group larger than the cap is refused whole (and the connection closed); one within it is taken in chunks,
    /// so a note sent meanwhile is not kept waiting behind all of it.
    @Test func aLargeGroupIsTakenInChunksAndATooLargeOneIsA413() async throws {
        var settings = ServerSettings()
        settings.maximumAlertsPerRequest = 600
        settings.bodyLimit = 4 << 20
        let sandbox = try ServerSandbox(settings: settings)
        try await sandbox.test { client in
            let number = try await Self.open("Other", client, sandbox)
            let tooMany = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                                   body: body(Self.group(601)))
            #expect(tooMany.status == .contentTooLarge)
            #expect(tooMany.errorCode == "too_many_alerts")
            #expect(tooMany.headers[.connection] == "close")
            #expect(sandbox.store.counts.all == 1, "nothing of it was taken in")

            let finished = Finished()
            async let big = client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                           body: body(Self.group(600)))
            try await Task.sleep(for: .milliseconds(150))
            let note = try await client.execute(uri: "/api/v1/incidents/\(number)/notes", method: .post, headers: sandbox.auth(.responder),
                                                body: body(#"{"text": "in between"}"#))
            await finished.mark("note")
            let group = try await big
            await finished.mark("group")
            #expect(note.status == .ok && group.status == .ok)
            #expect(await finished.order == ["note", "group"], "the note went out between two chunks of the group")
            #expect(sandbox.store.counts.all == 601)
        }
    }

    /// An Alertmanager group of `count` firing alerts.
    static func group(_ count: Int) -> String {
        let alerts = (0..<count).map { index in
            #"{"status": "firing", "labels": {"alertname": "Storm", "instance": "host-\#(index)"}, "fingerprint": "storm\#(index)"}"#
        }
        return #"{"version": "4", "status": "firing", "alerts": [\#(alerts.joined(separator: ","))]}"#
    }

    actor Finished {
        var order: [String] = []
        func mark(_ name: String) { order.append(name) }
    }

    private static func open(_ summary: String, _ client: some TestClientProtocol, _ sandbox: ServerSandbox) async throws -> String {
        let response = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                body: body(#"{"short_description": "\#(summary)"}"#))
        return response.json["number"] as? String ?? ""
    }
}
