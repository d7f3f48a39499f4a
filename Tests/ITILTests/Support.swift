import Foundation
@testable import ITIL

/// A fixed, millisecond-exact start time so that due times can be written out in tests.
let openedAt = Timestamp.rounded(Date(timeIntervalSince1970: 1_777_636_800.123))  // 2026-05-01T12:00:00.123Z

/// `offset` after ``openedAt``, kept to the millisecond as the model keeps every time it stores.
func at(_ offset: TimeInterval) -> Date {
    Timestamp.rounded(openedAt + offset)
}

func minutes(_ count: Double) -> TimeInterval { count * 60 }
func hours(_ count: Double) -> TimeInterval { count * 3600 }
func days(_ count: Double) -> TimeInterval { count * 86_400 }

/// A new incident with the standard SLA, opened by `alertmanager` from an alert.
func openIncident(
    number: Int = 42, impact: Impact = .medium, urgency: Urgency = .medium, labels: [String: String] = [:]
) throws -> Incident {
    let opening = IncidentOpening(
        number: IncidentNumber(number)!, shortDescription: "Disk almost full on db-1", impact: impact, urgency: urgency,
        labels: labels, alert: AlertKey(source: "alertmanager", key: "3f2a9c"),
        slaTargets: SLAPolicy.standard.targets(for: Priority(impact: impact, urgency: urgency))
    )
    return try Incident(opening: opening, at: openedAt, actor: "alertmanager")
}

/// The transition event to `state` with the details it needs.
func move(to state: IncidentState) -> IncidentEvent {
    switch state {
    case .onHold: .transitioned(to: .onHold, reason: .awaitingVendor)
    case .resolved: .transitioned(to: .resolved, code: .solutionProvided, notes: "removed rotated logs")
    default: .transitioned(to: state)
    }
}

/// An incident brought to `state` through allowed events, one minute apart.
func incident(in state: IncidentState) throws -> Incident {
    var incident = try openIncident()
    let path: [IncidentState] = switch state {
    case .new: []
    case .closed: [.resolved, .closed]
    default: [state]
    }
    for (step, target) in path.enumerated() {
        try incident.apply(move(to: target), at: at(minutes(Double(step + 1))), actor: "alice")
    }
    return incident
}
