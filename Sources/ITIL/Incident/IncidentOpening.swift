/// Everything needed to open an incident: what the intake (an alert, the CLI, the API) knows at that moment.
///
/// The number and the SLA targets come from the store, which hands out numbers and reads `config/sla.yaml`
/// (`policy.targets(for: Priority(impact: impact, urgency: urgency))`); the targets become part of the record so it
/// keeps the ones in force when it was opened.
public struct IncidentOpening: Sendable, Hashable {
    /// The number the store chose.
    public var number: IncidentNumber
    /// One line: the alert's summary or the user's `--summary`.
    public var shortDescription: String
    /// Longer text, Markdown allowed; may be empty.
    public var description: String
    /// Who reported it; `nil` means the actor who opens it.
    public var caller: String?
    /// The category, free text (`hardware`, `network`, …).
    public var category: String?
    /// The service or configuration item affected.
    public var service: String?
    /// The group to work on it.
    public var assignmentGroup: String?
    /// The person to work on it.
    public var assignedTo: String?
    /// How widely it hurts.
    public var impact: Impact
    /// How soon it must be dealt with (from the alert's severity unless set).
    public var urgency: Urgency
    /// The labels of the source alert, kept verbatim.
    public var labels: [String: String]
    /// The annotations of the source alert, as ``Incident/kept(annotations:)`` keeps them.
    public var annotations: [String: String] = [:]
    /// The alert that opened it, if one did: its source and dedup key.
    public var alert: AlertKey?
    /// The SLA targets of its priority at opening.
    public var slaTargets: SLATargets

    /// Describes a new incident; see the properties for each value.
    public init(
        number: IncidentNumber, shortDescription: String, description: String = "", caller: String? = nil,
        category: String? = nil, service: String? = nil, assignmentGroup: String? = nil, assignedTo: String? = nil,
        impact: Impact = .medium, urgency: Urgency = .medium, labels: [String: String] = [:],
        alert: AlertKey? = nil, slaTargets: SLATargets
    ) {
        self.number = number
        self.shortDescription = shortDescription
        self.description = description
        self.caller = caller
        self.category = category
        self.service = service
        self.assignmentGroup = assignmentGroup
        self.assignedTo = assignedTo
        self.impact = impact
        self.urgency = urgency
        self.labels = labels
        self.slaTargets = slaTargets
        self.alert = alert
    }

    /// The priority it will open with.
    public var priority: Priority {
        Priority(impact: impact, urgency: urgency)
    }
}
