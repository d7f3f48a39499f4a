import Foundation
import ITIL

/// One event of `GET /api/v1/events`: an audit commit (what its trailers say), or a line a running
/// step printed. Replayed events read exactly like live ones.
public struct EventMessage: Codable, Sendable, Equatable {
    /// The event's id, which `Last-Event-ID` gives back: the commit's id, or for output `COMMIT:N`.
    public let id: String
    /// The audit event (`opened`, `transitioned`, `step-ended` ...), or `output`.
    public let event: String
    public let incident: String
    public let time: Date?
    public let actor: String?
    /// The commit's subject line.
    public let subject: String?
    /// The incident's state and priority after the event.
    public let state: String?
    public let priority: Int?
    public let run: String?
    public let runState: String?
    public let step: String?
    public let exitCode: Int?
    /// For output: the step's index in the runbook and the line, with its time since the step started.
    public let index: Int?
    public let line: String?

    /// The message of a feed item.
    public init(_ item: AuditFeed.Item) {
        id = item.id.description
        incident = item.incident.description
        switch item {
        case .committed(let event):
            self.event = event.name.rawValue
            time = event.time
            actor = event.actor
            subject = event.subject
            state = event.trailers.value(of: .state)
            priority = event.trailers.value(of: .priority).flatMap { Int($0) }
            run = event.trailers.value(of: .run)
            runState = event.trailers.value(of: .runState)
            step = event.step
            exitCode = event.trailers.value(of: .exitCode).flatMap { Int($0) }
            index = nil
            line = nil
        case .output(let output):
            event = "output"
            (time, actor, subject, state, priority, runState, exitCode) = (nil, nil, nil, nil, nil, nil, nil)
            run = output.run.description
            step = output.step
            index = output.index
            line = output.line
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, event, incident, time, actor, subject, state, priority, run, step, index, line
        case runState = "run_state"
        case exitCode = "exit_code"
    }
}

/// What `GET /api/v1/events` streams: every incident's events or one's, from a position on.
public struct EventQuery: Sendable, Equatable {
    /// Only these incidents' events; nil for all.
    public var incidents: Set<IncidentNumber>?
    /// Leave out the lines steps print.
    public var withoutOutput: Bool
    /// Replay what came after this position first (the `Last-Event-ID` of a reconnecting client).
    public var after: FeedPosition?

    public init(incidents: Set<IncidentNumber>? = nil, withoutOutput: Bool = false, after: FeedPosition? = nil) {
        self.incidents = incidents
        self.withoutOutput = withoutOutput
        self.after = after
    }

    /// Reads `incident` (comma-separated), `output=false` and the last event's id; a bad one is a 400 naming it.
    public init(_ parameter: (String) -> String?, lastEventID: String?) throws(APIError) {
        var incidents: Set<IncidentNumber>?
        if let text = parameter("incident") {
            var numbers = Set<IncidentNumber>()
            for part in text.split(separator: ",") {
                guard let number = IncidentNumber(parsing: part) else {
                    throw APIError.badRequest("'\(part)' is not an incident number", field: "incident", code: "invalid_parameter")
                }
                numbers.insert(number)
            }
            incidents = numbers
        }
        var withoutOutput = false
        if let text = parameter("output") {
            guard let value = Bool(text) else {
                throw APIError.badRequest("output must be true or false, not '\(text)'", field: "output", code: "invalid_parameter")
            }
            withoutOutput = !value
        }
        var after: FeedPosition?
        if let text = lastEventID ?? parameter("last_event_id") {
            guard let position = FeedPosition(parsing: text) else {
                throw APIError.badRequest("Last-Event-ID '\(text.prefix(100))' is not an event id (a commit id, or COMMIT:N for output)",
                                          field: "Last-Event-ID", code: "invalid_parameter")
            }
            after = position
        }
        self.init(incidents: incidents, withoutOutput: withoutOutput, after: after)
    }

    /// The query parameters that ask for this (the position goes in `Last-Event-ID`).
    public var parameters: [String: String] {
        var parameters: [String: String] = [:]
        parameters["incident"] = incidents.map { $0.map(\.description).sorted().joined(separator: ",") }
        if withoutOutput { parameters["output"] = "false" }
        return parameters
    }

    /// Whether `item` is one this query wants.
    public func wants(_ item: AuditFeed.Item) -> Bool {
        if withoutOutput, case .output = item { return false }
        return incidents?.contains(item.incident) ?? true
    }
}
