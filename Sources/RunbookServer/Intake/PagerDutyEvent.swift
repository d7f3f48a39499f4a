import Foundation
import ITIL

/// A PagerDuty Events API v2 event (`POST /v2/enqueue`), validated the way PagerDuty does, with
/// its errors listed in PagerDuty's response format.
struct PagerDutyEvent: Sendable {
    enum Action: String, Sendable { case trigger, acknowledge, resolve }

    let routingKey: String
    let action: Action
    let dedupKey: String?
    let summary: String?
    let source: String?
    let severity: String?
    let component: String?
    let group: String?
    let eventClass: String?
    let customDetails: [String: String]
    let client: String?

    /// Validates `object` (a decoded JSON object); every problem found is listed, as PagerDuty does.
    init(_ json: Any) throws(PagerDutyInvalid) {
        guard let object = json as? [String: Any] else { throw PagerDutyInvalid(errors: ["Event object must be a JSON object"]) }
        var errors: [String] = []
        func string(_ value: Any?, _ name: String, limit: Int? = nil) -> String? {
            guard let value, !(value is NSNull) else { return nil }
            guard let text = value as? String else {
                errors.append("'\(name)' must be a string")
                return nil
            }
            if let limit, text.count > limit { errors.append("'\(name)' is longer than \(limit) characters") }
            // A NUL would end up in the incident's labels, and git shows a file with one as binary.
            if text.utf8.contains(0) { errors.append("'\(name)' contains a NUL character") }
            return text
        }
        let routingKey = string(object["routing_key"], "routing_key")
        if routingKey?.isEmpty ?? true { errors.append("'routing_key' is missing or blank") }
        let actionText = string(object["event_action"], "event_action")
        let action = actionText.flatMap(Action.init(rawValue:))
        if action == nil { errors.append("'event_action' must be one of trigger, acknowledge, resolve") }
        let dedupKey = string(object["dedup_key"], "dedup_key", limit: 255)
        let payload = object["payload"] as? [String: Any]
        if object["payload"] != nil, payload == nil { errors.append("'payload' must be an object") }
        var summary: String?, source: String?, severity: String?
        if action == .trigger {
            guard let payload else {
                errors.append("'payload' is missing")
                throw PagerDutyInvalid(errors: errors)
            }
            summary = string(payload["summary"], "payload.summary", limit: 1024)
            source = string(payload["source"], "payload.source", limit: 255)
            severity = string(payload["severity"], "payload.severity")
            if summary?.isEmpty ?? true { errors.append("'payload.summary' is missing or blank") }
            if source?.isEmpty ?? true { errors.append("'payload.source' is missing or blank") }
            if let given = severity, !["critical", "error", "warning", "info"].contains(given) {
                errors.append("'payload.severity' must be one of critical, error, warning, info")
            } else if severity == nil {
                errors.append("'payload.severity' is missing")
            }
        } else if action != nil, dedupKey?.isEmpty ?? true {
            errors.append("'dedup_key' is required for \(actionText!) events")
        }
        let component = string(payload?["component"], "payload.component", limit: TextLimits.label)
        let group = string(payload?["group"], "payload.group", limit: TextLimits.label)
        let eventClass = string(payload?["class"], "payload.class", limit: TextLimits.label)
        let client = string(object["client"], "client")
        guard errors.isEmpty, let routingKey, let action else { throw PagerDutyInvalid(errors: errors) }
        self.routingKey = routingKey
        self.action = action
        self.dedupKey = dedupKey
        self.summary = summary
        self.source = source
        self.severity = severity
        self.component = component
        self.group = group
        self.eventClass = eventClass
        self.client = client
        customDetails = Self.details(payload?["custom_details"])
        if customDetails.contains(where: { $0.key.utf8.contains(0) || $0.value.utf8.contains(0) }) {
            throw PagerDutyInvalid(errors: ["'payload.custom_details' contains a NUL character"])
        }
    }

    /// The labels runbooks match: `alertname` (the event's class, else `PagerDutyEvent`), `source`,
    /// `severity`, `component`, `group`, `class`.
    var labels: [String: String] {
        var labels = ["alertname": eventClass ?? "PagerDutyEvent"]
        labels["source"] = source
        labels["severity"] = severity
        labels["component"] = component
        labels["group"] = group
        labels["class"] = eventClass
        return labels
    }

    /// `custom_details` as annotations: strings as they are, other values as JSON text.
    private static func details(_ value: Any?) -> [String: String] {
        guard let object = value as? [String: Any] else {
            if let text = value as? String { return ["details": text] }
            return [:]
        }
        var details: [String: String] = [:]
        for (key, value) in object {
            if let text = value as? String {
                details[key] = text
            } else if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
                details[key] = String(decoding: data, as: UTF8.self)
            }
        }
        return details
    }
}

/// PagerDuty's 400: `{"status":"invalid event","message":"Event object is invalid","errors":[...]}`.
struct PagerDutyInvalid: Error, Sendable {
    let errors: [String]
}
