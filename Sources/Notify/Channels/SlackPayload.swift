import Foundation

/// The Slack incoming-webhook payload, `{"text": ..., "blocks": [...]}`, which Mattermost accepts as well.
///
/// Every text that comes from the incident (title, service, labels, summary) is mrkdwn-escaped; only the links
/// added here use `<url|text>`.
struct SlackPayload: Sendable {
    var message: NotificationMessage

    /// The POST to the webhook URL.
    func httpRequest(url: URL) -> OutgoingRequest {
        OutgoingRequest(url: url, headers: [("Content-Type", "application/json")], body: body())
    }

    func body() -> [UInt8] {
        let object: [String: Any] = ["text": fallbackText, "blocks": blocks]
        let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return Array(data ?? Data("{}".utf8))
    }

    /// The notification text and the fallback where blocks are not shown.
    var fallbackText: String { Mrkdwn.escape(message.headline) }

    var blocks: [[String: Any]] {
        var blocks: [[String: Any]] = [section(heading)]
        var details: [String] = []
        if !message.summary.isEmpty { details.append(Mrkdwn.escape(message.summary)) }
        if !message.service.isEmpty { details.append("*Service:* \(Mrkdwn.escape(message.service))") }
        for item in message.digestItems { details.append("• \(Mrkdwn.escape(item.incident)) \(Mrkdwn.escape(item.title))") }
        if !details.isEmpty { blocks.append(section(details.joined(separator: "\n"))) }
        if !message.labels.isEmpty {
            let labels = message.sortedLabels.map { "`\(Mrkdwn.escape($0.name))`=\(Mrkdwn.escape($0.value))" }
            blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": labels.joined(separator: "  ")]]])
        }
        if !links.isEmpty { blocks.append(section(links.joined(separator: " · "))) }
        return blocks
    }

    private var heading: String {
        let incident = message.incidentURL.map { Mrkdwn.link($0, message.incident) } ?? Mrkdwn.escape(message.incident)
        switch message.kind {
        case .page: return "*P\(message.clampedPriority)* \(incident) \(Mrkdwn.escape(message.title))"
        case .resolved: return "*Resolved* \(incident) \(Mrkdwn.escape(message.title))"
        case .digest, .test: return Mrkdwn.escape(message.headline)
        }
    }

    private var links: [String] {
        [(message.acknowledgeURL, "Acknowledge"), (message.snoozeURL, "Snooze"), (message.incidentURL, "Open")]
            .compactMap { url, text in url.map { Mrkdwn.link($0, text) } }
    }

    private func section(_ text: String) -> [String: Any] {
        ["type": "section", "text": ["type": "mrkdwn", "text": text]]
    }
}
