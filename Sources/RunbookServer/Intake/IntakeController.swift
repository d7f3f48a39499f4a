import Executor
import Foundation
import Hummingbird
import ITIL
import RunbookAPI

/// The alert intake endpoints: Alertmanager, Grafana, PagerDuty Events v2 and the REST API's own.
struct IntakeController: Sendable {
    let intake: AlertIntake
    let tokens: TokenFile
    let settings: ServerSettings
    let pagerDutyLimiter: RateLimiter

    /// How many alerts of a group go into the store at once: a large group is taken in a chunk after
    /// another, so other writers' requests (a note, another alert) go out between two chunks instead
    /// of waiting behind the whole group.
    static let chunk = 100

    func register(on router: some RouterMethods<ServerContext>) {
        let responders = router.group("api/v1", role: .responder)
        responders.post("alerts/alertmanager") { request, context in try await alertmanager(request, context, source: "alertmanager") }
        responders.post("alerts/grafana") { request, context in try await alertmanager(request, context, source: "grafana") }
        responders.post("incidents") { request, context in try await openIncident(request, context) }
        // PagerDuty senders put the token in the body as `routing_key`.
        router.post("v2/enqueue") { request, _ in try await pagerDuty(request) }
    }

    // MARK: - Alertmanager and Grafana

    /// Every alert of the group is validated before any is taken in, so a bad body changes nothing.
    private func alertmanager(_ request: Request, _ context: ServerContext, source: String) async throws -> IntakeReply {
        let principal = try context.actor()
        let webhook = try await JSONBody.decode(AlertmanagerWebhook.self, from: request, limit: settings.bodyLimit)
        guard webhook.alerts.count <= settings.maximumAlertsPerRequest else {
            throw APIError(413, code: "too_many_alerts",
                           "\(webhook.alerts.count) alerts in one request; at most \(settings.maximumAlertsPerRequest) are taken "
                           + "(set max_alerts on the Alertmanager receiver)", field: "alerts").closingConnection()
        }
        try webhook.checkTexts()
        var results: [IntakeReply.Alert] = []
        for start in stride(from: 0, to: webhook.alerts.count, by: Self.chunk) {
            results += try await take(webhook.alerts[start..<min(start + Self.chunk, webhook.alerts.count)], source: source, actor: principal.name)
        }
        return IntakeReply(alerts: results)
    }

    /// The alerts of a chunk are independent: taken in together, they join one group commit (one
    /// durable write) instead of waiting for a sync each.
    private func take(_ alerts: ArraySlice<AlertmanagerWebhook.Alert>, source: String, actor: String) async throws -> [IntakeReply.Alert] {
        try await withThrowingTaskGroup(of: (Int, IntakeReply.Alert).self) { group in
            for (index, alert) in alerts.enumerated() {
                group.addTask { (index, try await take(alert, source: source, actor: actor)) }
            }
            var results = [IntakeReply.Alert?](repeating: nil, count: alerts.count)
            for try await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }
    }

    private func take(_ alert: AlertmanagerWebhook.Alert, source: String, actor: String) async throws -> IntakeReply.Alert {
        let key = alert.fingerprint.map { AlertKey(source: source, key: $0) } ?? AlertKey(source: source, labels: alert.labels)
        let result: AlertIntake.Result
        switch alert.status {
        case .firing:
            let trigger = AlertTrigger(labels: alert.labels, annotations: alert.annotations ?? [:], source: source, key: key.key)
            result = try await intake.fire(trigger, actor: actor, countingRepeats: false)
        case .resolved:
            let ended = alert.endsAt.map { " at \($0)" } ?? ""
            result = try await intake.clear(key, note: "\(source): the alert \(alert.labels["alertname"] ?? key.key) resolved\(ended).",
                                            actor: actor)
        }
        return IntakeReply.Alert(fingerprint: key.key, outcome: result.outcome.rawValue, incident: result.incident?.number.description)
    }

    // MARK: - PagerDuty

    private func pagerDuty(_ request: Request) async throws -> Response {
        let body = try await JSONBody.bytes(of: request, limit: settings.pagerDutyLimit)
        let event: PagerDutyEvent
        do {
            let data = Data(body.readableBytesView)
            // A trailing comma is not JSON, though Foundation's parser takes it (see `JSONBody.trailingComma`).
            guard JSONBody.trailingComma(in: data) == nil, let json = try? JSONSerialization.jsonObject(with: data) else {
                throw PagerDutyInvalid(errors: ["the body is not valid JSON"])
            }
            event = try PagerDutyEvent(json)
        } catch let invalid as PagerDutyInvalid {
            return try JSONBody.response(PagerDutyReply(status: "invalid event", message: "Event object is invalid", errors: invalid.errors),
                                         status: .badRequest)
        }
        guard let principal = tokens.principal(for: event.routingKey) else {
            return try JSONBody.response(
                PagerDutyReply(status: "invalid event", message: "Event object is invalid", errors: ["'routing_key' is not a valid token"]),
                status: .badRequest)
        }
        guard principal.role >= .responder else {
            throw APIError(403, code: "forbidden", "the token '\(principal.name)' has the role \(principal.role.rawValue); "
                           + "sending events needs responder or higher")
        }
        guard pagerDutyLimiter.admit(event.routingKey) else {
            var response = try JSONBody.response(
                PagerDutyReply(status: "throttle event", message: "Requests for this service are arriving too quickly. Please back off."),
                status: .tooManyRequests)
            response.headers[.retryAfter] = "60"
            return response
        }
        let dedupKey = event.dedupKey ?? UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let key = AlertKey(source: "pagerduty", key: dedupKey)
        switch event.action {
        case .trigger:
            var annotations = event.customDetails
            annotations["summary"] = event.summary
            let trigger = AlertTrigger(labels: event.labels, annotations: annotations, summary: event.summary, source: "pagerduty", key: dedupKey)
            _ = try await intake.fire(trigger, actor: principal.name)
        case .acknowledge:
            _ = try await intake.acknowledge(key, note: "pagerduty: acknowledged\(event.client.map { " from \($0)" } ?? "").",
                                             actor: principal.name)
        case .resolve:
            _ = try await intake.clear(key, note: "pagerduty: the event was resolved by its sender.", actor: principal.name)
        }
        return try JSONBody.response(PagerDutyReply(status: "success", message: "Event processed", dedupKey: dedupKey), status: .accepted)
    }

    // MARK: - REST

    /// The reporter's impact, urgency, service and category, checked.
    private static func assessment(of body: APIBody.NewIncident) throws -> AlertTrigger.Assessment {
        func scale<Value>(_ value: Int?, _ field: String, _ make: (Int) throws -> Value) throws -> Value? {
            guard let value else { return nil }
            do {
                return try make(value)
            } catch {
                throw APIError.badRequest("\(field) must be \(APIBody.NewIncident.scaleValues), not \(value)", field: field, code: "invalid_field")
            }
        }
        return AlertTrigger.Assessment(
            impact: try scale(body.impact, "impact") { try Impact($0) }, urgency: try scale(body.urgency, "urgency") { try Urgency($0) },
            service: body.service, category: body.category)
    }

    /// `POST /api/v1/incidents`: people and scripts report a problem.
    private func openIncident(_ request: Request, _ context: ServerContext) async throws -> EditedResponse<Incident> {
        let principal = try context.actor()
        let body = try await JSONBody.decode(APIBody.NewIncident.self, from: request, limit: settings.bodyLimit)
        // A person's texts are refused when blank or too long (an alert's are cut, the full text kept in the description).
        guard !body.shortDescription.isBlank else { throw APIError(IncidentError.emptyText(field: "short description")) }
        guard body.shortDescription.count <= TextLimits.shortDescription else {
            throw APIError(IncidentError.textTooLong(field: "short description", limit: TextLimits.shortDescription))
        }
        if let description = body.description, description.count > TextLimits.text {
            throw APIError(IncidentError.textTooLong(field: "description", limit: TextLimits.text))
        }
        try AlertmanagerWebhook.check(body.labels ?? [:], at: "labels")
        for (name, value) in body.annotations ?? [:] where name.utf8.contains(0) || value.utf8.contains(0) {
            throw APIError.badRequest("the annotation '\(name)' contains a NUL character (\\u0000)", field: "annotations.\(name)",
                                      code: "invalid_field")
        }
        var labels = body.labels ?? [:]
        if labels["alertname"] == nil { labels["alertname"] = "ManualIncident" }
        if let severity = body.severity { labels["severity"] = severity }
        var annotations = body.annotations ?? [:]
        if let description = body.description { annotations["description"] = description }
        // Without a dedup_key every report is its own incident: two people describing two problems
        // with the same labels must not end up in one.
        let trigger = AlertTrigger(labels: labels, annotations: annotations, summary: body.shortDescription, source: "rest",
                                   key: body.dedupKey ?? UUID().uuidString.lowercased(), assessment: try Self.assessment(of: body))
        let result = try await intake.fire(trigger, actor: principal.name)
        guard let incident = result.incident else { throw APIError.conflict("the incident could not be opened") }
        return EditedResponse(status: result.outcome == .opened ? .created : .ok, response: incident)
    }
}
