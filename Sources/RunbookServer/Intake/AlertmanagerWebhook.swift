import Foundation
import ITIL
import RunbookAPI

/// The body Prometheus Alertmanager posts to a webhook receiver (`version: "4"`); Grafana's
/// alerting webhook is this plus a few fields, which are ignored here.
struct AlertmanagerWebhook: Decodable, Sendable {
    var version: String?
    var groupKey: String?
    var status: String?
    var receiver: String?
    var externalURL: String?
    var alerts: [Alert]

    struct Alert: Decodable, Sendable {
        var status: Status
        var labels: [String: String]
        var annotations: [String: String]?
        var startsAt: String?
        var endsAt: String?
        var generatorURL: String?
        var fingerprint: String?
    }

    /// `firing` or `resolved`; anything else is refused with the alert's JSON path.
    enum Status: String, Decodable, Sendable {
        case firing, resolved
    }
}

extension AlertmanagerWebhook {
    /// Refuses the whole group when an alert's texts that become the incident's (summary, description)
    /// hold a NUL, before any alert is taken in: a group is all or nothing.
    func checkTexts() throws {
        for (index, alert) in alerts.enumerated() {
            for key in ["summary", "description"] where alert.annotations?[key]?.utf8.contains(0) ?? false {
                throw APIError.badRequest("the \(key) contains a NUL character (\\u0000)", field: "alerts[\(index)].annotations.\(key)",
                                          code: "invalid_field")
            }
            if alert.annotations?["summary"] == nil, alert.labels["alertname"]?.utf8.contains(0) ?? false {
                throw APIError.badRequest("the alertname, which becomes the summary, contains a NUL character (\\u0000)",
                                          field: "alerts[\(index)].labels.alertname", code: "invalid_field")
            }
        }
    }
}
