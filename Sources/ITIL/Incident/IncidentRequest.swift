/// What an intake (an alert, the CLI, the API) asks for when it reports a problem.
///
/// The store turns it into an ``IncidentOpening`` with the next free number and the SLA targets in
/// force, or, while an incident for the same ``alert`` is open, into an added occurrence.
public struct IncidentRequest: Sendable, Hashable {
    /// One line: the alert's summary or the user's `--summary`.
    public var shortDescription: String
    /// Longer text; may be empty.
    public var description: String
    /// Who reported it; nil means the actor.
    public var caller: String?
    /// Category, service, assignment: copied to the record.
    public var category: String?
    public var service: String?
    public var assignmentGroup: String?
    public var assignedTo: String?
    /// Set by the runbook or the caller; impact defaults to medium.
    public var impact: Impact?
    /// Set by the runbook or the caller; otherwise derived from ``severity``.
    public var urgency: Urgency?
    /// The alert's severity label (`critical`, `warning`, ...), used when ``urgency`` is nil.
    public var severity: String?
    /// The source alert's labels, verbatim.
    public var labels: [String: String]
    /// The source alert's annotations (summary, description, runbook_url ...), as the record keeps them (see
    /// ``Incident/annotations``).
    public var annotations: [String: String] = [:]
    /// The dedup identity of the source alert, if any.
    public var alert: AlertKey?

    /// A request; see the properties.
    public init(
        shortDescription: String, description: String = "", caller: String? = nil, category: String? = nil, service: String? = nil,
        assignmentGroup: String? = nil, assignedTo: String? = nil, impact: Impact? = nil, urgency: Urgency? = nil,
        severity: String? = nil, labels: [String: String] = [:], alert: AlertKey? = nil
    ) {
        self.shortDescription = shortDescription
        self.description = description
        self.caller = caller
        self.category = category
        self.service = service
        self.assignmentGroup = assignmentGroup
        self.assignedTo = assignedTo
        self.impact = impact
        self.urgency = urgency
        self.severity = severity
        self.labels = labels
        self.alert = alert
    }

    /// The urgency to open with: the one given, else the severity's.
    var effectiveUrgency: Urgency {
        urgency ?? AlertSeverity.urgency(forSeverity: severity)
    }
}
