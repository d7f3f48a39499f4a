import Foundation
import ITIL

/// An incident in a list: what a queue view shows.
public struct IncidentSummary: Codable, Sendable, Equatable {
    public let number: String
    public let shortDescription: String
    public let state: String
    public let priority: Int
    public let impact: Int
    public let urgency: Int
    public let service: String?
    public let assignedTo: String?
    /// Who last took it up (acknowledged it), if anyone did.
    public let acknowledgedBy: String?
    /// When the response and the resolution are due (nil without a target).
    public let responseDue: Date?
    public let resolutionDue: Date?
    public let openedAt: Date
    public let updatedAt: Date
    public let runs: [String]

    public init(_ incident: Incident) {
        number = incident.number.description
        shortDescription = incident.shortDescription
        state = incident.state.rawValue
        priority = incident.priority.rawValue
        impact = incident.impact.value
        urgency = incident.urgency.value
        service = incident.service
        assignedTo = incident.assignedTo
        acknowledgedBy = incident.acknowledgedBy
        responseDue = incident.sla.responseDue
        resolutionDue = incident.sla.resolutionDue
        openedAt = incident.openedAt
        updatedAt = incident.updatedAt
        runs = incident.runs
    }

    enum CodingKeys: String, CodingKey {
        case number, state, priority, impact, urgency, service, runs
        case shortDescription = "short_description"
        case assignedTo = "assigned_to"
        case acknowledgedBy = "acknowledged_by"
        case responseDue = "response_due"
        case resolutionDue = "resolution_due"
        case openedAt = "opened_at"
        case updatedAt = "updated_at"
    }
}

/// `GET /api/v1/incidents`: a page of incidents, newest first, and how many match in all.
public struct IncidentPage: Codable, Sendable {
    public let incidents: [IncidentSummary]
    public let total: Int
    public let limit: Int
    public let offset: Int

    public init(incidents: [IncidentSummary], total: Int, limit: Int, offset: Int) {
        self.incidents = incidents
        self.total = total
        self.limit = limit
        self.offset = offset
    }
}
