import Foundation
import Hummingbird
import ITIL
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

    @Test("without an incident the run is a job of its own: recorded under jobs/ on the audit branch, no incident opened, verified")
    func jobRuns() async throws {
        let sandbox = try ServerSandbox(pages: ["check": Self.check])
        try await sandbox.test { client in
            var runs: [String] = []
            for host in ["db1", "db2"] {
                let started = try await client.execute(uri: "/api/v1/runbooks/check/runs", method: .post, headers: sandbox.auth(.responder),
                                                       body: body(#"{"params": {"HOST": "\#(host)"}}"#))
                #expect(started.status == .accepted, "\(String(buffer: started.body))")
                #expect(started.json["incident"] == nil || started.json["incident"] is NSNull)
                runs.append(try #require(started.json["run"] as? String))
                let job = try #require(started.json["job"] as? String)
                #expect(runs.last == "\(job)-1")
                #expect(try await eventually {
                    let reply = try await client.execute(uri: "/api/v1/runs/\(runs.last!)", method: .get, headers: sandbox.auth(.viewer))
                    return reply.json["state"] as? String == "succeeded"
                })
            }
            #expect(runs == ["JOB0000001-1", "JOB0000002-1"])
            let log = try await client.execute(uri: "/api/v1/runs/JOB0000002-1/steps/say/log", method: .get, headers: sandbox.auth(.viewer))
            #expect(String(buffer: log.body).contains("checking db2 (quick)"))
            let incidents = try await client.execute(uri: "/api/v1/incidents", method: .get, headers: sandbox.auth(.viewer))
            #expect(!String(buffer: incidents.body).contains("INC0000001"), "a job opens no incident")

            let head = try #require(try sandbox.repository.branchHead("audit"))
            let job = try sandbox.repository.readFile("jobs/000/00/JOB0000001/job.json", at: head)
            #expect(String(decoding: job, as: UTF8.self).contains(#""requested_by" : "responder""#))
            let run = try sandbox.repository.readFile("jobs/000/00/JOB0000001/runs/1/run.json", at: head)
            #expect(String(decoding: run, as: UTF8.self).contains(#""state" : "succeeded""#))
            let verification = try AuditVerifier(repository: sandbox.repository, branch: "audit").verify(full: true)
            #expect(verification.failure == nil, "\(String(describing: verification.failure))")
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
                (#"{"params": {"HOST": "db1"}, "incident": "INC0000001", "open": true}"#, .badRequest, "not both"),
                (#"{"params": {"HOST": "db1"}, "incident": "INC42"}"#, .badRequest, "not an incident number"),
                (#"{"params": {"HOST": "db1"}, "incident": "JOB0000001"}"#, .badRequest, "not an incident number"),
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
