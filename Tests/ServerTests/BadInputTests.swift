import Foundation
import Hummingbird
import HummingbirdTesting
import ITIL
@testable import RunbookServer
import Testing

@Suite("Bad input gets a precise 4xx and changes nothing", .timeLimit(.minutes(1)))
struct BadInputTests {
    /// Posts `text` to the Alertmanager endpoint as the responder.
    private func post(_ text: String, _ client: some TestClientProtocol, _ sandbox: ServerSandbox) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder), body: body(text))
    }

    @Test func invalidJSON() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let response = try await post(#"{"alerts": [}"#, client, sandbox)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_json")
            #expect(response.errorMessage?.contains("around character 12") == true, "where: \(response.errorMessage ?? "")")
            let empty = try await post("", client, sandbox)
            #expect(empty.status == .badRequest)
        }
    }

    /// Valid JSON the decoder cannot take whole (a fraction where a whole number goes, a value outside
    /// a list) is named by its path, not called invalid JSON.
    @Test func valuesThatDoNotFitTheirFieldAreNamed() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let fraction = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                    body: body(#"{"short_description": "x", "impact": 1.5}"#))
            #expect(fraction.status == .badRequest)
            #expect(fraction.errorField == "impact")
            #expect(fraction.errorMessage == "impact must be 1 (high), 2 (medium) or 3 (low), not 1.5")
            let status = try await post(Payloads.alertmanager(status: "burning"), client, sandbox)
            #expect(status.status == .badRequest)
            #expect(status.errorMessage == "unknown status 'burning'; use one of: firing, resolved", "\(status.errorMessage ?? "")")
        }
    }

    /// A value outside a field's list (an enumeration, or impact's 1...3) is refused with the values the field
    /// takes and the field's JSON path, whatever the value's type, and changes nothing.
    @Test func valuesOutsideTheirListAreRefusedWithTheList() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            func open(_ fields: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                         body: body(#"{"short_description": "x", \#(fields)}"#))
            }
            let scale = "must be 1 (high), 2 (medium) or 3 (low), not "
            for (fields, field, message) in [(#""impact": "huge""#, "impact", #"impact \#(scale)"huge""#),
                                             (#""impact": 7"#, "impact", "impact \(scale)7"),
                                             (#""urgency": 2.5"#, "urgency", "urgency \(scale)2.5"),
                                             (#""urgency": true"#, "urgency", "urgency \(scale)true")] {
                let refused = try await open(fields)
                #expect(refused.status == .badRequest, "\(fields)")
                #expect(refused.errorCode == "invalid_field")
                #expect(refused.errorField == field)
                #expect(refused.errorMessage == message)
            }
            #expect(sandbox.store.incidents().isEmpty, "nothing opened")

            let opened = try await open(#""impact": 2"#)
            let number = try #require(opened.json["number"] as? String)
            let lists: [String: [String]] = ["state": IncidentState.allCases.map(\.rawValue), "hold_reason": HoldReason.allCases.map(\.rawValue),
                                             "close_code": CloseCode.allCases.map(\.rawValue)]
            for (transition, field) in [(#"{"state": "bogus"}"#, "state"), (#"{"state": 5}"#, "state"),
                                        (#"{"state": "on-hold", "hold_reason": "lunch"}"#, "hold_reason"),
                                        (#"{"state": "resolved", "close_code": "fixed-it", "close_notes": "done"}"#, "close_code"),
                                        (#"{"state": "resolved", "close_code": ["duplicate"], "close_notes": "done"}"#, "close_code")] {
                let refused = try await client.execute(uri: "/api/v1/incidents/\(number)/transition", method: .post,
                                                       headers: sandbox.auth(.responder), body: body(transition))
                #expect(refused.status == .badRequest, "\(transition)")
                #expect(refused.errorCode == "invalid_field")
                #expect(refused.errorField == field, "\(transition)")
                let message = refused.errorMessage ?? ""
                #expect(lists[field]!.allSatisfy(message.contains), "\(transition): \(message)")
            }
            #expect(try sandbox.store.incident(IncidentNumber(parsing: number)!).state == .new, "nothing changed")

            let alert = try await post(Payloads.alertmanager(status: "exploding"), client, sandbox)
            #expect(alert.errorCode == "invalid_field")
            #expect(alert.errorField == "alerts[0].status")
            #expect(alert.errorMessage == "unknown status 'exploding'; use one of: firing, resolved")
        }
    }

    /// JSON has no trailing comma. Foundation's decoder on Linux takes one, so a client's bug would show only
    /// when it talks to another server; the server refuses it and says where.
    @Test func trailingCommasAreInvalidJSON() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let webhook = Payloads.alertmanager().replacingOccurrences(of: "    }\n  ]\n}", with: "    },\n  ]\n}")
            let nested = Payloads.alertmanager().replacingOccurrences(of: #""alerts": ["#, with: #""nested": [[1, [2,]], 3], "alerts": ["#)
            let labels = #"{"short_description": "x", "labels": {"alertname": "X",}}"#
            for (uri, text) in [("/api/v1/alerts/alertmanager", webhook), ("/api/v1/alerts/alertmanager", nested), ("/api/v1/incidents", labels)] {
                let comma = try #require(Self.trailingComma(in: text))
                let refused = try await client.execute(uri: uri, method: .post, headers: sandbox.auth(.responder), body: body(text))
                #expect(refused.status == .badRequest, "\(text)")
                #expect(refused.errorCode == "invalid_json")
                #expect(refused.errorMessage?.contains("trailing comma around character \(comma)") == true, "\(refused.errorMessage ?? "")")
            }
            let pagerDuty = Payloads.pagerDuty(routingKey: sandbox.secrets[.responder]!).replacingOccurrences(of: "0.75}", with: "0.75,}")
            let refused = try await client.execute(uri: "/v2/enqueue", method: .post, body: body(pagerDuty))
            #expect(refused.status == .badRequest)
            #expect(refused.json["status"] as? String == "invalid event")
            #expect(sandbox.store.incidents().isEmpty, "nothing opened")

            // Commas and brackets inside strings are text, escaped quotes included.
            let inStrings = #"{"short_description": "a,}", "description": "say \",] and go", "labels": {"alertname": "X", "note": "b, ]"}}"#
            let opened = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder), body: body(inStrings))
            #expect(opened.status == .created, "\(opened.text)")
            #expect(opened.json["short_description"] as? String == "a,}")
        }
    }

    /// The scan for trailing commas knows strings: an escaped quote does not end one, an escaped backslash
    /// before a quote does; offsets count bytes, as Foundation's "around character N" does.
    @Test(arguments: [(#"[1,]"#, 2), (#"{"a":"x\\",}"#, 10), (#"{"a":"x\",}"}"#, nil), (#"[[],[{},],]"#, 7),
                      ("{\"a\":1 ,\n\t}", 7), (#"["é",]"#, 5), (#"{"a": [1, {"b": "]"}], "c": ","}"#, nil)] as [(String, Int?)])
    func trailingCommaScan(_ text: String, _ offset: Int?) {
        #expect(JSONBody.trailingComma(in: Data(text.utf8)) == offset, "\(text)")
    }

    /// The byte offset, from 0, of the first comma that only spaces and line breaks separate from a `}` or `]`.
    private static func trailingComma(in text: String) -> Int? {
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: ",") {
            let next = bytes[(index + 1)...].first { !" \n\r\t".utf8.contains($0) }
            if next == UInt8(ascii: "}") || next == UInt8(ascii: "]") { return index }
        }
        return nil
    }

    @Test(arguments: [#""\n""#, #""\u2028""#, #"" \r\n\t""#, #""disk\u0000full""#])
    func textsThatSayNothingOrHoldANulAre400s(_ text: String) async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let opened = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                  body: body(#"{"short_description": \#(text)}"#))
            #expect(opened.status == .badRequest, "\(opened.text)")
            #expect(opened.errorField == "short_description")
            let described = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                     body: body(#"{"short_description": "x", "description": "a\u0000b"}"#))
            #expect(described.status == .badRequest)
            #expect(sandbox.store.incidents().isEmpty, "nothing opened")
            let ok = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                              body: body(#"{"short_description": "real"}"#))
            let number = try #require(ok.json["number"] as? String)
            let note = try await client.execute(uri: "/api/v1/incidents/\(number)/notes", method: .post, headers: sandbox.auth(.responder),
                                                body: body(#"{"text": \#(text)}"#))
            #expect(note.status == .badRequest, "\(note.text)")
            #expect(note.errorField == "text")
            let resolve = try await client.execute(
                uri: "/api/v1/incidents/\(number)/transition", method: .post, headers: sandbox.auth(.responder),
                body: body(#"{"state": "resolved", "close_code": "Solution provided", "close_notes": \#(text)}"#))
            #expect(resolve.status == .badRequest, "\(resolve.text)")
            let summary = Payloads.alertmanager().replacingOccurrences(of: #""summary": "QuickFix on web-1", "description""#,
                                                                      with: #""summary": \#(text), "description""#)
            let alert = try await post(summary, client, sandbox)
            if text.contains("0000") {
                #expect(alert.status == .badRequest)
                #expect(alert.errorField == "alerts[0].annotations.summary")
            } else {
                #expect(alert.status == .ok, "a blank summary falls back to the alert's name")
            }
        }
    }

    /// Labels are written into every commit of their incident: a NUL would make git show its history as binary,
    /// and a label without a name says nothing. Too long a summary from a person is refused; an alert's is cut and
    /// kept whole in the description.
    @Test func labelsWithANulAndTextsTooLongAre400sAndAnAlertsLongSummaryIsKept() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            for labels in [#"{"a": "b\u0000"}"#, #"{"a\u0000": "b"}"#, #"{"": "b"}"#] {
                let opened = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                      body: body(#"{"short_description": "x", "labels": \#(labels)}"#))
                #expect(opened.status == .badRequest, "\(labels): \(opened.text)")
                #expect(opened.errorField?.hasPrefix("labels") == true)
            }
            let alert = try await post(Payloads.alertmanager().replacingOccurrences(of: #""labels": {"alertname""#,
                                                                                     with: #""labels": {"x": "y\u0000z", "alertname""#),
                                       client, sandbox)
            #expect(alert.status == .badRequest)
            #expect(alert.errorField == "alerts[0].labels.x")
            let pagerDuty = try await client.execute(
                uri: "/v2/enqueue", method: .post,
                body: body(Payloads.pagerDuty(routingKey: sandbox.secrets[.responder]!, action: "trigger").replacingOccurrences(
                    of: #""component": "postgres""#, with: #""component": "a\u0000""#)))
            #expect(pagerDuty.status == .badRequest, "\(pagerDuty.text)")
            let zeroWidth = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                     body: body(#"{"short_description": "\u200b\ufeff"}"#))
            #expect(zeroWidth.status == .badRequest, "only invisible characters say nothing")
            let long = String(repeating: "x", count: 1025)
            let tooLong = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                   body: body(#"{"short_description": "\#(long)"}"#))
            #expect(tooLong.status == .badRequest)
            #expect(tooLong.errorField == "short_description")
            #expect(sandbox.store.incidents().isEmpty, "nothing opened")

            let longSummary = try await post(Payloads.alertmanager().replacingOccurrences(of: #""summary": "QuickFix on web-1""#,
                                                                                           with: #""summary": "\#(long)y""#), client, sandbox)
            #expect(longSummary.status == .ok)
            let incident = try #require(sandbox.store.incidents().first)
            #expect(incident.shortDescription.count <= 1024)
            #expect(incident.shortDescription.hasSuffix("more characters)"))
            #expect(incident.description.contains(long + "y"), "the whole summary is kept in the description")
        }
    }

    /// Resolving without notes names `close_notes`; a typo of a field is named before what it leaves missing.
    @Test func theFieldAtFaultIsTheOneNamed() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let opened = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                  body: body(#"{"short_description": "x"}"#))
            let number = try #require(opened.json["number"] as? String)
            let noNotes = try await client.execute(
                uri: "/api/v1/incidents/\(number)/transition", method: .post, headers: sandbox.auth(.responder),
                body: body(#"{"state": "resolved", "close_code": "Solution provided", "close_notes": " "}"#))
            #expect(noNotes.errorField == "close_notes")
            let typo = try await client.execute(uri: "/api/v1/incidents/\(number)/notes", method: .post, headers: sandbox.auth(.responder),
                                                body: body(#"{"txt": "x"}"#))
            #expect(typo.errorCode == "unknown_field")
            #expect(typo.errorMessage?.contains("did you mean 'text'") == true, "\(typo.errorMessage ?? "")")
        }
    }

    /// A field the API does not know is a typo to report, not one to drop while a default takes its place.
    @Test func unknownFieldsOfTheAPIsOwnBodiesAreRefused() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let typo = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                body: body(#"{"short_description": "x", "impcat": 1}"#))
            #expect(typo.status == .badRequest)
            #expect(typo.errorCode == "unknown_field")
            #expect(typo.errorField == "impcat")
            #expect(typo.errorMessage?.hasPrefix("unknown field 'impcat' (did you mean 'impact'?)") == true, "\(typo.errorMessage ?? "")")
            #expect(sandbox.store.incidents().isEmpty, "nothing opened")
            // Third parties' webhooks carry fields of their own: those are not refused.
            let extra = try await post(Payloads.alertmanager().replacingOccurrences(of: #""version": "4","#,
                                                                                     with: #""version": "4", "truncatedAlerts": 0,"#),
                                       client, sandbox)
            #expect(extra.status == .ok)
        }
    }

    @Test("a wrong type names its JSON path")
    func wrongTypeNamesThePath() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let text = Payloads.alertmanager().replacingOccurrences(of: #""severity": "critical"}"#, with: #""severity": 3}"#)
            let response = try await post(text, client, sandbox)
            #expect(response.status == .badRequest)
            #expect(response.errorField == "alerts[0].labels.severity")
            let missing = try await post(#"{"version": "4"}"#, client, sandbox)
            #expect(missing.errorCode == "missing_field")
            #expect(missing.errorField == "alerts")
            let status = try await post(Payloads.alertmanager(status: "exploding"), client, sandbox)
            #expect(status.status == .badRequest)
            #expect(status.errorField == "alerts[0].status")
        }
    }

    @Test("one bad alert in a group means none of the group is taken in")
    func nothingHalfWritten() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let good = Payloads.alertmanager()
            let alerts = good.components(separatedBy: #""alerts": ["#)[1]
            let broken = good.replacingOccurrences(of: #""alerts": ["#, with: #""alerts": [{"status": "firing", "labels": "oops"},"#)
            #expect(alerts.isEmpty == false)
            let response = try await post(broken, client, sandbox)
            #expect(response.status == .badRequest)
            #expect(sandbox.store.incidents().isEmpty)
            #expect(try sandbox.store.auditLog.head() == nil)
        }
    }

    @Test func oversizedBodiesAreRefusedWith413() async throws {
        var settings = ServerSettings()
        settings.bodyLimit = 4096
        let sandbox = try ServerSandbox(settings: settings)
        try await sandbox.test { client in
            let big = #"{"alerts": [], "padding": ""# + String(repeating: "x", count: 10_000) + #""}"#
            let response = try await post(big, client, sandbox)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "body_too_large")
        }
    }

    @Test func deeplyNestedJSONIsA400NotACrash() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let deep = #"{"alerts": "# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
            let response = try await post(deep, client, sandbox)
            #expect(response.status == .badRequest)
        }
    }

    @Test func invalidUTF8IsRefused() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            var bytes = Array(Payloads.alertmanager().utf8)
            bytes[bytes.firstIndex(of: UInt8(ascii: "Q"))!] = 0xFF
            let response = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                                    body: ByteBuffer(bytes: bytes))
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_json")
        }
    }

    @Test("unknown routes are 404 and known routes with the wrong method 405, both as JSON")
    func routesAndMethods() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let missing = try await client.execute(uri: "/api/v1/nothing", method: .get, headers: sandbox.auth(.viewer))
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "not_found")
            let method = try await client.execute(uri: "/api/v1/incidents/INC0000001", method: .delete, headers: sandbox.auth(.admin))
            #expect(method.status == .methodNotAllowed)
            #expect(method.headers[.allow] == "GET")
        }
    }

    @Test("no token is 401, a bad token 401, too low a role 403")
    func authorization() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let none = try await client.execute(uri: "/api/v1/incidents", method: .get)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let wrong = try await client.execute(uri: "/api/v1/incidents", method: .get, headers: [.authorization: "Bearer rbk_nope"])
            #expect(wrong.status == .unauthorized)
            let viewer = try await post(Payloads.alertmanager(), client, sandbox)
            #expect(viewer.status == .ok, "responder may post alerts")
            let low = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.viewer),
                                               body: body(Payloads.alertmanager(fingerprint: "1111111111111111")))
            #expect(low.status == .forbidden)
            #expect(low.errorCode == "forbidden")
            let approve = try await client.execute(uri: "/api/v1/runs/INC0000001-1/approve", method: .post, headers: sandbox.auth(.responder))
            #expect(approve.status == .forbidden, "approving needs the approver role")
        }
    }
}

@Suite("Tokens", .timeLimit(.minutes(1)))
struct TokenTests {
    @Test("a token removed from the file stops working without a restart")
    func revocation() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let before = try await client.execute(uri: "/api/v1/incidents", method: .get, headers: sandbox.auth(.viewer))
            #expect(before.status == .ok)
            #expect(try sandbox.tokens.remove(name: "viewer"))
            try await Task.sleep(for: .milliseconds(1100))
            let after = try await client.execute(uri: "/api/v1/incidents", method: .get, headers: sandbox.auth(.viewer))
            #expect(after.status == .unauthorized)
        }
    }

    @Test("the token file keeps only hashes, and a broken line names its line")
    func fileFormat() throws {
        let sandbox = try ServerSandbox()
        let text = try String(contentsOfFile: sandbox.tokens.path, encoding: .utf8)
        for secret in sandbox.secrets.values { #expect(!text.contains(secret)) }
        #expect(throws: TokenFileError.malformedLine(path: "f", line: 2)) {
            _ = try TokenFile.parse("# comment\nadmin superuser abc\n", path: "f")
        }
    }
}
