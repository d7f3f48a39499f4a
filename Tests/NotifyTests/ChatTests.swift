import Foundation
import TestReceivers
import Testing
@testable import Notify

@Suite("Slack and ntfy", .timeLimit(.minutes(1)))
struct ChatTests {
    @Test("Slack: a label's <!channel> and a title's <@U1> arrive escaped; only our links are links")
    func slackEscapesMentions() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let notifier = quickNotifier()
        let message = samplePage(labels: ["team": "<!channel> & <http://evil.test|click>"], title: "disk <@U1> full")
        let outcome = await notifier.deliver(message, to: .slack(url: receiver.url("/slack")))
        await notifier.shutdown()
        #expect(outcome.succeeded)

        let body = try #require(try receiver.recordedRequests().first).body
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let text = try #require(json["text"] as? String)
        #expect(text == "[P1] INC0000042 disk &lt;@U1&gt; full")
        #expect(json["blocks"] is [Any])
        #expect(!body.contains("<!channel>"))
        #expect(!body.contains("<@U1>"))
        #expect(!body.contains("<http://evil.test"))
        #expect(body.contains("&lt;!channel&gt; &amp; &lt;http://evil.test|click&gt;"))
        #expect(body.contains("<http://runbook.test/incidents/42/ack?t=abc|Acknowledge>"))
        #expect(body.contains("<http://runbook.test/incidents/42|INC0000042>"))
    }

    @Test("ntfy: title, priority, tags, click, actions and token arrive as headers")
    func ntfyHeaders() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let notifier = quickNotifier()
        let outcome = await notifier.deliver(samplePage(), to: .ntfy(url: receiver.url("/oncall"), token: "tk_123"))
        await notifier.shutdown()
        #expect(outcome.succeeded)

        let request = try #require(try receiver.recordedRequests().first)
        #expect(request.path == "/oncall")
        #expect(request.header("Title") == "[P1] INC0000042 disk almost full on db1")
        #expect(request.header("Priority") == "urgent")
        #expect(request.header("Tags") == "rotating_light,db")
        #expect(request.header("Click") == "http://runbook.test/incidents/42")
        #expect(request.header("Actions") == "http, Acknowledge, http://runbook.test/incidents/42/ack?t=abc, method=POST, clear=true; view, Open, http://runbook.test/incidents/42")
        #expect(request.header("Authorization") == "Bearer tk_123")
        #expect(request.body.contains("Free space below 5%"))
        #expect(request.body.contains("host=db1"))
    }

    @Test("ntfy: a title or label with CR LF cannot add a header; non-ASCII titles are RFC 2047 encoded")
    func ntfyHeaderInjection() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let notifier = quickNotifier()
        let message = samplePage(title: "disk full\r\nX-Evil: 1", )
        var withService = message
        withService.service = "db\r\nX-Evil: 2"
        let plain = await notifier.deliver(withService, to: .ntfy(url: receiver.url("/a"), token: "t\r\nX-Evil: 3"))
        let accented = await notifier.deliver(samplePage(title: "Festplatte fast voll – db1"), to: .ntfy(url: receiver.url("/b"), token: nil))
        await notifier.shutdown()
        #expect(plain.succeeded)
        #expect(accented.succeeded)

        let requests = try receiver.recordedRequests()
        let first = try #require(requests.first { $0.path == "/a" })
        #expect(!first.headerNames.contains("x-evil"))
        #expect(first.header("Title") == "[P1] INC0000042 disk full X-Evil: 1")
        #expect(first.header("Tags") == "rotating_light,dbX-Evil2")
        let second = try #require(requests.first { $0.path == "/b" })
        let title = try #require(second.header("Title"))
        #expect(title.hasPrefix("=?UTF-8?B?"))
        #expect(decodeEncodedWords(title) == "[P1] INC0000042 Festplatte fast voll – db1")
    }

    @Test("ntfy priorities follow P1…P5; a resolution is never urgent")
    func ntfyPriorities() {
        var message = samplePage()
        let names = (1...5).map { priority in
            message.priority = priority
            return NtfyRequest.priority(message)
        }
        #expect(names == ["urgent", "high", "default", "low", "min"])
        message.kind = .resolved
        message.priority = 1
        #expect(NtfyRequest.priority(message) == "default")
    }

    private func decodeEncodedWords(_ header: String) -> String {
        let bytes = header.split(separator: " ").flatMap { word -> [UInt8] in
            let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            return Array(Data(base64Encoded: String(base64)) ?? Data())
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
