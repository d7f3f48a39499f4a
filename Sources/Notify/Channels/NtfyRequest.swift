import Foundation

/// An ntfy publish: the plain-text body POSTed to the topic URL, the rest in headers.
///
/// Header values from the incident are single-line; the title is RFC 2047 encoded when it has non-ASCII text (ntfy
/// decodes it), tags are ASCII only, and the URLs in `Actions` have the format's separators percent-encoded.
struct NtfyRequest: Sendable {
    var message: NotificationMessage
    var url: URL
    var token: String?

    func httpRequest() -> OutgoingRequest {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Title", HeaderValue.encodedWords(message.headline)),
            ("Priority", Self.priority(message)),
            ("Tags", tags),
        ]
        if let click = message.incidentURL { headers.append(("Click", Self.safeURL(click))) }
        if !actions.isEmpty { headers.append(("Actions", actions)) }
        if let token, !token.isEmpty { headers.append(("Authorization", "Bearer \(HeaderValue.token(token))")) }
        return OutgoingRequest(url: url, headers: headers, body: Array(PlainText.body(for: message).utf8))
    }

    /// P1 → urgent (5), P2 → high (4), P3 → default, P4 → low, P5 → min; a resolution is never urgent.
    static func priority(_ message: NotificationMessage) -> String {
        if message.kind != .page { return "default" }
        return ["urgent", "high", "default", "low", "min"][message.clampedPriority - 1]
    }

    /// Emoji tags by kind, then the service; ASCII letters, digits, `_` and `-` only, so a tag is one list item.
    private var tags: String {
        let kindTag = switch message.kind {
        case .page: message.clampedPriority <= 2 ? "rotating_light" : "warning"
        case .resolved: "white_check_mark"
        case .digest: "clipboard"
        case .test: "test_tube"
        }
        let service = String(String.UnicodeScalarView(HeaderValue.ascii(message.service).unicodeScalars.filter {
            CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-"
        }))
        return service.isEmpty ? kindTag : "\(kindTag),\(service)"
    }

    /// `http, Acknowledge, <ack url>, method=POST, clear=true; view, Open, <incident url>`.
    private var actions: String {
        var actions: [String] = []
        if let ack = message.acknowledgeURL { actions.append("http, Acknowledge, \(Self.safeURL(ack)), method=POST, clear=true") }
        if let open = message.incidentURL { actions.append("view, Open, \(Self.safeURL(open))") }
        return actions.joined(separator: "; ")
    }

    /// The URL as ASCII with `,` and `;` (the Actions separators) and any control character percent-encoded.
    static func safeURL(_ url: URL) -> String {
        var result = ""
        for byte in url.absoluteString.utf8 {
            if byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") {
                result += String(format: "%%%02X", byte)
            } else {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return result
    }
}
