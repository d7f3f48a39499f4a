import Foundation
import ITIL
import Notify

/// Builds the messages' links: the incident, and signed acknowledge and snooze links that need no token.
public struct LinkMaker: Sendable {
    /// Where people reach this server, e.g. `https://oncall.example.com`.
    public var baseURL: URL
    public var key: LinkKey
    /// How long a link in a notification works.
    public var lifetime: TimeInterval

    public init(baseURL: URL, key: LinkKey, lifetime: TimeInterval = 86_400) {
        self.baseURL = baseURL
        self.key = key
        self.lifetime = lifetime
    }

    /// The path of signed links, `links/INC0000042/TOKEN`: `GET` shows a confirmation page, `POST` acts.
    public static let linkPath = "links"

    /// A signed link for `person` to act on `incident`.
    public func link(_ action: SignedLink.Action, incident: IncidentNumber, person: String, now: Date = Date()) -> URL {
        let token = SignedLink(incident: incident.value, person: person, action: action, expires: now + lifetime).token(key: key)
        return baseURL.appendingPathComponent(Self.linkPath).appendingPathComponent(incident.description).appendingPathComponent(token)
    }

    /// The message about `incident` for `person` (nil for a channel: no personal links).
    public func message(
        kind: NotificationMessage.Kind, about incident: Incident, for person: String?, key idempotencyKey: String,
        recipient: String, digest: [Incident] = []
    ) -> NotificationMessage {
        let number = incident.number
        let acknowledge = person.map { link(.acknowledge, incident: number, person: $0) }
        let listen = acknowledge.map { url in
            var components = URLComponents(url: baseURL.appendingPathComponent("api/v1/incidents/\(number)/announcement.wav"),
                                           resolvingAgainstBaseURL: false)!
            components.queryItems = [URLQueryItem(name: "link", value: url.lastPathComponent)]
            return components.url!
        }
        return NotificationMessage(
            kind: kind, incident: number.description, number: number.value, title: incident.shortDescription,
            priority: incident.priority.rawValue, service: Self.cut(incident.service ?? "", 200), labels: Self.capped(incident.labels),
            summary: Self.cut(incident.description, 2000), incidentURL: baseURL.appendingPathComponent("api/v1/incidents/\(number)"),
            acknowledgeURL: kind == .resolved ? nil : acknowledge,
            snoozeURL: kind == .resolved ? nil : person.map { link(.snooze, incident: number, person: $0) },
            announcementURL: listen,
            digestItems: digest.map { NotificationMessage.DigestItem(incident: $0.number.description, title: $0.shortDescription) },
            idempotencyKey: idempotencyKey, recipient: recipient)
    }

    /// Labels come from outside: a page carries at most 30, each name and value cut to 200 characters, so no alert
    /// makes a page that a phone cannot show or a channel refuses (Slack's blocks, SMTP's line limits).
    static func capped(_ labels: [String: String]) -> [String: String] {
        var kept: [String: String] = [:]
        for name in labels.keys.sorted().prefix(30) { kept[cut(name, 200)] = cut(labels[name]!, 200) }
        return kept
    }

    static func cut(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
