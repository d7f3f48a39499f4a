import Foundation

/// The email for a notification: MIME multipart/alternative with a text/plain and a text/html part.
///
/// Header values are single-line and RFC 2047 encoded when they have non-ASCII text, so a title or label can never
/// add a header line; both parts are base64 (lines of 76), so no body line can start with a dot or run too long;
/// the HTML part escapes every value. The acknowledge link is in both parts.
struct MailMessage: Sendable {
    var message: NotificationMessage
    var from: MailAddress
    var fromName: String
    var to: MailAddress
    var date: Date
    var boundary = "runbook-" + UUID().uuidString

    /// The message as sent after DATA, with CRLF line ends and without the final dot.
    func rendered() -> String {
        let headers = [
            "From: \(HeaderValue.encodedWords(fromName, separator: "\r\n ")) <\(from.value)>",
            "To: <\(to.value)>",
            "Subject: \(HeaderValue.encodedWords(subject, separator: "\r\n "))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageIDLocalPart)@\(from.domain)>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "Auto-Submitted: auto-generated",
            "X-Runbook-Incident: \(HeaderValue.token(message.incident))",
        ]
        let parts = [
            part(type: "text/plain", body: PlainText.body(for: message)),
            part(type: "text/html", body: MailHTML.body(for: message)),
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + parts.joined() + "--\(boundary)--\r\n"
    }

    var subject: String { String(message.headline.prefix(200)) }

    /// The idempotency key, so a retried message has the same Message-ID and a mailbox can drop the duplicate.
    private var messageIDLocalPart: String {
        let allowed = message.idempotencyKey.unicodeScalars.filter {
            ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "-" || $0 == "." || $0 == "_"
        }
        let key = String(String.UnicodeScalarView(allowed)).prefix(64)
        return key.isEmpty ? UUID().uuidString : String(key)
    }

    private func part(type: String, body: String) -> String {
        let encoded = Data(body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return "--\(boundary)\r\nContent-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\(encoded)\r\n"
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

/// The HTML part of the email; every value from the incident is escaped.
enum MailHTML {
    static func body(for message: NotificationMessage) -> String {
        var html = "<!DOCTYPE html><html><body>\n<h2>\(HTMLText.escape(message.headline))</h2>\n"
        if !message.summary.isEmpty { html += "<p>\(HTMLText.escape(message.summary).replacingOccurrences(of: "\n", with: "<br>"))</p>\n" }
        if !message.service.isEmpty { html += "<p>Service: \(HTMLText.escape(message.service))</p>\n" }
        if !message.labels.isEmpty {
            html += "<ul>\n" + message.sortedLabels.map { "<li>\(HTMLText.escape($0.name))=\(HTMLText.escape($0.value))</li>\n" }.joined() + "</ul>\n"
        }
        if !message.digestItems.isEmpty {
            html += "<ul>\n" + message.digestItems.map { "<li>\(HTMLText.escape($0.incident)) \(HTMLText.escape($0.title))</li>\n" }.joined() + "</ul>\n"
        }
        let links = [(message.acknowledgeURL, "Acknowledge"), (message.snoozeURL, "Snooze"), (message.incidentURL, "Open")]
            .compactMap { url, text in url.map { "<a href=\"\(HTMLText.escape($0.absoluteString))\">\(text)</a>" } }
        if !links.isEmpty { html += "<p>\(links.joined(separator: " | "))</p>\n" }
        return html + "</body></html>\n"
    }
}
