import Foundation

/// A custom webhook body: the template's text with `{{name}}` placeholders replaced.
///
/// Values are JSON-escaped (quotes, backslashes and control characters) but not quoted, so a template puts
/// string placeholders inside quotes: `{"text": "{{incident}}: {{title}}"}`. A label cannot end the string
/// and add a key. Placeholders: `kind`, `incident`, `number`, `title`, `priority`, `service`, `summary`,
/// `recipient`, `incident_url`, `acknowledge_url`, `snooze_url`, `announcement_url`, `idempotency_key`,
/// `sent_at` (ISO 8601), `timestamp` (unix seconds) and `label.NAME` for one label. An unknown placeholder
/// or a missing value becomes the empty string; text outside placeholders is sent unchanged.
public struct WebhookTemplate: Sendable, Hashable {
    /// The template's text.
    public var text: String

    /// Creates a template.
    public init(_ text: String) { self.text = text }

    /// The body for `message` sent at `sentAt`.
    public func render(_ message: NotificationMessage, sentAt: Date) -> String {
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            output += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            output += JSONString.escape(Self.value(of: name, in: message, sentAt: sentAt) ?? "")
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    static func value(of name: String, in message: NotificationMessage, sentAt: Date) -> String? {
        if name.hasPrefix("label.") { return message.labels[String(name.dropFirst(6))] }
        switch name {
        case "kind": return message.kind.rawValue
        case "incident": return message.incident
        case "number": return String(message.number)
        case "title": return message.title
        case "priority": return String(message.clampedPriority)
        case "service": return message.service
        case "summary": return message.summary
        case "recipient": return message.recipient
        case "incident_url": return message.incidentURL?.absoluteString
        case "acknowledge_url": return message.acknowledgeURL?.absoluteString
        case "snooze_url": return message.snoozeURL?.absoluteString
        case "announcement_url": return message.announcementURL?.absoluteString
        case "idempotency_key": return message.idempotencyKey
        case "sent_at": return sentAt.formatted(.iso8601)
        case "timestamp": return String(Int(sentAt.timeIntervalSince1970))
        default: return nil
        }
    }
}

/// JSON string escaping for text placed between quotes.
enum JSONString {
    /// `text` with `"`, `\`, control characters and U+2028/U+2029 escaped.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
