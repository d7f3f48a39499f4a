import Foundation

/// The generic webhook's POST: the body (JSON or a template), its signature and its headers.
struct WebhookRequest: Sendable {
    var message: NotificationMessage
    var url: URL
    var signingKey: [UInt8]?
    var bodyTemplate: String?

    /// The request as sent at `sentAt`; the signature covers exactly the body bytes sent.
    func httpRequest(sentAt: Date) -> OutgoingRequest {
        let timestamp = Int(sentAt.timeIntervalSince1970)
        let body = self.body(sentAt: sentAt)
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            (WebhookSignature.timestampHeader, String(timestamp)),
            ("Idempotency-Key", HeaderValue.token(message.idempotencyKey)),
            ("User-Agent", "runbook-notify/1"),
        ]
        if let key = signingKey {
            headers.append((WebhookSignature.signatureHeader, WebhookSignature.sign(body: body, timestamp: timestamp, key: key)))
        }
        return OutgoingRequest(url: url, headers: headers, body: body)
    }

    func body(sentAt: Date) -> [UInt8] {
        if let template = bodyTemplate {
            return Array(WebhookTemplate(template).render(message, sentAt: sentAt).utf8)
        }
        // Encoding plain strings, numbers and URLs cannot fail; an empty object keeps the request well-formed if it did.
        return (try? WebhookPayload(message: message, sentAt: sentAt).encoded()) ?? Array("{}".utf8)
    }
}
