import Foundation

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
