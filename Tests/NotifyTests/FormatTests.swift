import Foundation
import Testing
@testable import Notify

/// The formats on their own, without a receiver: what a person reads in each channel.
@Suite("Formats")
struct FormatTests {
    private var digest: NotificationMessage {
        NotificationMessage(
            kind: .digest, incident: "", number: 0, title: "Open incidents",
            digestItems: [.init(incident: "INC0000041", title: "cert <expires>"), .init(incident: "INC0000042", title: "disk full")],
            idempotencyKey: "digest-1")
    }

    @Test("A digest lists its incidents in Slack, plain text and HTML, escaped for each")
    func digestFormats() throws {
        let slack = String(decoding: SlackPayload(message: digest).body(), as: UTF8.self)
        #expect(slack.contains("Digest: 2 incidents"))
        #expect(slack.contains("• INC0000041 cert &lt;expires&gt;"))
        let text = PlainText.body(for: digest)
        #expect(text.contains("- INC0000041 cert <expires>\n- INC0000042 disk full"))
        #expect(!text.contains("Priority"))
        let html = MailHTML.body(for: digest)
        #expect(html.contains("<li>INC0000041 cert &lt;expires&gt;</li>"))
    }

    @Test("Header values are one line, and non-ASCII ones are RFC 2047 words that decode to the text")
    func headerValues() throws {
        #expect(HeaderValue.singleLine(" a\r\nb\tc\u{0}d\u{2028}e ") == "a b c d e")
        #expect(HeaderValue.encodedWords("plain ascii") == "plain ascii")
        let long = String(repeating: "Störung ", count: 20)
        let words = EncodedWord.encode(HeaderValue.singleLine(long))
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
        let decoded = words.flatMap { Array(Data(base64Encoded: String($0.dropFirst(10).dropLast(2)))!) }
        #expect(String(decoding: decoded, as: UTF8.self) == HeaderValue.singleLine(long))
        #expect(HeaderValue.encodedWords("=?UTF-8?B?Zm9v?=").hasPrefix("=?UTF-8?B?"), "text that looks encoded is encoded itself")
    }

    @Test("The email's body lines stay short and the addresses stay single")
    func mailMessage() throws {
        var page = samplePage()
        page.summary = String(repeating: "long line ", count: 100)
        let mail = MailMessage(
            message: page, from: try MailAddress("oncall@runbook.test"),
            fromName: "Runbook", to: try MailAddress("alice@example.test"), date: Date(timeIntervalSince1970: 0))
        let lines = mail.rendered().components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        #expect(lines.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        for bad in ["a@b@c", "a b@c", "<a@b>", "a@b,c@d", "nobody", "a@b\r\nRCPT TO:<c@d>"] {
            #expect(throws: SMTPError.self) { try MailAddress(bad) }
        }
    }
}
