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

    /// `firing` or `resolved`; anything else is refused with the alert's JSON path and these two.
    enum Status: String, AcceptedValues {
        case firing, resolved
    }
}

extension AlertmanagerWebhook {
    /// Refuses the whole group, before any alert is taken in (a group is all or nothing), when an alert has a
    /// label the incident could not keep (no name, a NUL, too long) or a NUL in an annotation.
    func checkTexts() throws {
        for (index, alert) in alerts.enumerated() {
            try Self.check(alert.labels, at: "alerts[\(index)].labels")
            for (name, value) in alert.annotations ?? [:] where name.utf8.contains(0) || value.utf8.contains(0) {
                throw APIError.badRequest("the annotation '\(name)' contains a NUL character (\\u0000)",
                                          field: "alerts[\(index)].annotations.\(name)", code: "invalid_field")
            }
        }
    }

    /// The checks of ``Incident``'s labels, as a 400 naming the label's path in the body.
    static func check(_ labels: [String: String], at path: String) throws {
        for (name, value) in labels {
            let problem: String? = if name.isEmpty {
                "a label needs a name"
            } else if name.utf8.contains(0) || value.utf8.contains(0) {
                "the label '\(name)' contains a NUL character (\\u0000)"
            } else if name.count > TextLimits.label || value.count > TextLimits.label {
                "the label '\(name.prefix(64))' is longer than \(TextLimits.label) characters"
            } else {
                nil
            }
            if let problem { throw APIError.badRequest(problem, field: name.isEmpty ? path : "\(path).\(name)", code: "invalid_field") }
        }
    }
}
