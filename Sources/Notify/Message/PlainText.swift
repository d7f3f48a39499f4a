/// The plain-text body shared by ntfy and the text part of an email.
///
/// Plain text needs no escaping: it is never interpreted as markup by these channels.
enum PlainText {
    /// The lines of a notification: summary, service, labels, digest items and links.
    static func body(for message: NotificationMessage) -> String {
        var lines: [String] = []
        if !message.summary.isEmpty { lines.append(message.summary) }
        if !message.service.isEmpty { lines.append("Service: \(message.service)") }
        if message.kind != .digest { lines.append("Priority: P\(message.clampedPriority)") }
        for label in message.sortedLabels { lines.append("\(label.name)=\(label.value)") }
        for item in message.digestItems { lines.append("- \(item.incident) \(item.title)") }
        if let url = message.incidentURL { lines.append("Open: \(url.absoluteString)") }
        if let url = message.acknowledgeURL { lines.append("Acknowledge: \(url.absoluteString)") }
        if let url = message.snoozeURL { lines.append("Snooze: \(url.absoluteString)") }
        return lines.joined(separator: "\n")
    }
}
