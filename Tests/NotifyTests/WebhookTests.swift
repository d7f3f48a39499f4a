import Crypto
import Foundation
import TestReceivers
import Testing
@testable import Notify

@Suite("Generic webhook", .timeLimit(.minutes(1)))
struct WebhookTests {
    @Test("A signed webhook arrives with our JSON, an HMAC the receiver can check, and the idempotency key")
    func signedWebhook() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let notifier = quickNotifier()
        let key = Array("webhook-secret".utf8)

        let outcome = await notifier.deliver(samplePage(), to: .webhook(url: receiver.url("/hook"), signingKey: key, bodyTemplate: nil))
        await notifier.shutdown()

        #expect(outcome.succeeded)
        #expect(outcome.detail == "HTTP 200")
        #expect(outcome.attempts == 1)
        let request = try #require(try receiver.recordedRequests().first)
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("Idempotency-Key") == "page-42-alice-1")
        let timestamp = try #require(request.header("X-Runbook-Timestamp"))
        let signature = try #require(request.header("X-Runbook-Signature"))
        // Checked with Crypto directly, as a receiver would, not only with our own helper.
        let expected = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).\(request.body)".utf8), using: SymmetricKey(data: key))
        #expect(signature == "sha256=" + expected.map { String(format: "%02x", $0) }.joined())
        #expect(WebhookSignature.isValid(signature, body: Array(request.body.utf8), timestamp: Int(timestamp)!, key: key))
        #expect(!WebhookSignature.isValid(signature, body: Array(request.body.utf8), timestamp: Int(timestamp)! + 1, key: key))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
        #expect(json["version"] as? Int == 1)
        #expect(json["kind"] as? String == "page")
        #expect(json["incident"] as? String == "INC0000042")
        #expect(json["number"] as? Int == 42)
        #expect(json["priority"] as? Int == 1)
        #expect((json["labels"] as? [String: String]) == ["host": "db1"])
        #expect(json["acknowledge_url"] as? String == "http://runbook.test/incidents/42/ack?t=abc")
        #expect(json["idempotency_key"] as? String == "page-42-alice-1")
        #expect(json["sent_at"] is String)
    }

    @Test("Without a key there is no signature header")
    func unsignedWebhook() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let notifier = quickNotifier()
        let outcome = await notifier.deliver(samplePage(), to: .webhook(url: receiver.url("/hook"), signingKey: nil, bodyTemplate: nil))
        await notifier.shutdown()
        #expect(outcome.succeeded)
        let request = try #require(try receiver.recordedRequests().first)
        #expect(request.header("X-Runbook-Signature") == nil)
        #expect(request.header("X-Runbook-Timestamp") != nil)
    }

    @Test("A body template's values are JSON-escaped: a label cannot end the string or add a key")
    func templateEscapesValues() throws {
        let label = "x\", \"admin\": true, \"y\": \"\n"
        let template = WebhookTemplate(#"{"text": "{{incident}} {{title}}", "host": "{{label.host}}", "missing": "{{nope}}"}"#)
        let body = template.render(samplePage(labels: ["host": label]), sentAt: Date())
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String])
        #expect(json == ["text": "INC0000042 disk almost full on db1", "host": label, "missing": ""])
    }

    @Test("A signed templated body carries the signature of the bytes sent")
    func signedTemplate() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let notifier = quickNotifier()
        let key = Array("k".utf8)
        let outcome = await notifier.deliver(
            samplePage(), to: .webhook(url: receiver.url("/t"), signingKey: key, bodyTemplate: #"{"msg": "{{title}}"}"#))
        await notifier.shutdown()
        #expect(outcome.succeeded)
        let request = try #require(try receiver.recordedRequests().first)
        #expect(request.body == #"{"msg": "disk almost full on db1"}"#)
        let timestamp = try #require(request.header("X-Runbook-Timestamp").flatMap { Int($0) })
        #expect(WebhookSignature.isValid(request.header("X-Runbook-Signature") ?? "", body: Array(request.body.utf8), timestamp: timestamp, key: key))
    }
}
