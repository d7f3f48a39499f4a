import Foundation
import Hummingbird
import HummingbirdTesting
import RunbookServer
import Testing

/// `POST /api/v1/runbooks/{id}/runs`: a runbook run by hand, its parameters checked as for an alert.
@Suite("Runs on demand", .timeLimit(.minutes(1)))
struct RunOnDemandTests {
    static let check = """
        ---
        title: Check a host
        params:
          HOST: { pattern: '^db[0-9]+$', required: true }
          MODE: { default: quick }
        ---
        # Check a host

        ## Say

        ```sh
        echo "checking $HOST ($MODE)"
        ```
        """

    @Test("a responder runs a runbook by id on a new or an existing incident; the reply names the run, which succeeds")
    func runs() async throws {
        let sandbox = try ServerSandbox(pages: ["check": Self.check])
        try await sandbox.test { client in
            let started = try await client.execute(uri: "/api/v1/runbooks/check/runs", method: .post, headers: sandbox.auth(.responder),
                                                   body: body(#"{"params": {"HOST": "db1"}, "open": true}"#))
            #expect(started.status == .accepted)
            let run = try #require(started.json["run"] as? String)
            let incident = try #require(started.json["incident"] as? String)
            #expect(run == "\(incident)-1")
            let finished = try await eventually {
                let reply = try await client.execute(uri: "/api/v1/runs/\(run)", method: .get, headers: sandbox.auth(.viewer))
                return reply.json["state"] as? String == "succeeded"
            }
            #expect(finished)
            let shown = try await client.execute(uri: "/api/v1/runs/\(run)", method: .get, headers: sandbox.auth(.viewer))
            #expect(shown.json["parameters"] as? [String: String] == ["HOST": "db1", "MODE": "quick"])
            #expect(shown.json["actor"] as? String == "responder")
            let log = try await client.execute(uri: "/api/v1/runs/\(run)/steps/say/log", method: .get, headers: sandbox.auth(.viewer))
            #expect(String(buffer: log.body).contains("checking db1 (quick)"))

            let again = try await client.execute(uri: "/api/v1/runbooks/check/runs", method: .post, headers: sandbox.auth(.responder),
                                                 body: body(#"{"params": {"HOST": "db2", "MODE": "full"}, "incident": "\#(incident)"}"#))
            #expect(again.status == .accepted)
            #expect(again.json["run"] as? String == "\(incident)-2")
        }
    }

    @Test("refusals say what was wrong: a value against its pattern, an unknown name, no incident, a viewer, a closed incident")
    func refusals() async throws {
        let sandbox = try ServerSandbox(pages: ["check": Self.check])
        try await sandbox.test { client in
            let auditHead = try sandbox.repository.branchHead("audit")
            let cases: [(String, HTTPResponse.Status, String)] = [
                (#"{"params": {"HOST": "db1; reboot"}, "open": true}"#, .badRequest, "does not match pattern"),
                (#"{"params": {"HOST": "db1", "NOPE": "x"}, "open": true}"#, .badRequest, "NOPE: no such parameter"),
                (#"{"params": {}, "open": true}"#, .badRequest, "HOST: required"),
                (#"{"params": {"HOST": "db1"}}"#, .badRequest, "give incident"),
                (#"{"params": {"HOST": "db1"}, "incident": "INC42"}"#, .badRequest, "not an incident number"),
                (#"{"params": {"HOST": "db1"}, "open": true, "incidnet": "x"}"#, .badRequest, "incidnet"),
            ]
            for (json, status, words) in cases {
                let reply = try await client.execute(uri: "/api/v1/runbooks/check/runs", method: .post, headers: sandbox.auth(.responder),
                                                     body: body(json))
                #expect(reply.status == status, "\(json)")
                #expect(String(buffer: reply.body).contains(words), "\(json): \(String(buffer: reply.body))")
            }
            #expect(try sandbox.repository.branchHead("audit") == auditHead, "a refused run writes nothing")
            let viewer = try await client.execute(uri: "/api/v1/runbooks/check/runs", method: .post, headers: sandbox.auth(.viewer),
                                                  body: body(#"{"params": {"HOST": "db1"}, "open": true}"#))
            #expect(viewer.status == .forbidden)
            let missing = try await client.execute(uri: "/api/v1/runbooks/nope/runs", method: .post, headers: sandbox.auth(.responder),
                                                   body: body(#"{"open": true}"#))
            #expect(missing.status == .notFound)

            let opened = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                  body: body(#"{"short_description": "old"}"#))
            let number = try #require(opened.json["number"] as? String)
            _ = try await client.execute(uri: "/api/v1/incidents/\(number)/transition", method: .post, headers: sandbox.auth(.responder),
                                         body: body(#"{"state": "canceled"}"#))
            let closed = try await client.execute(uri: "/api/v1/runbooks/check/runs", method: .post, headers: sandbox.auth(.responder),
                                                  body: body(#"{"params": {"HOST": "db1"}, "incident": "\#(number)"}"#))
            #expect(closed.status == .conflict, "\(String(buffer: closed.body))")
        }
    }
}
