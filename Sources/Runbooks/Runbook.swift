/// A parsed, lint-clean runbook: front matter settings plus the executable steps of its Markdown body.
public struct Runbook: Sendable, Equatable, Codable {
    /// The path under `runbooks/` without `.md`: `disk-full`, `db/replication-lag`.
    public var id: String
    /// The path in the wiki repository: `runbooks/disk-full.md`.
    public var path: String
    /// Front matter `title`, else the first H1's text, else `id`.
    public var title: String
    /// Front matter `description`, else the paragraphs after the H1 and before the first sub-heading or step.
    public var summary: String
    /// The team that owns the runbook (front matter `owner`).
    public var owner: String?
    /// The configuration item or business service (front matter `service`).
    public var service: String?
    /// The ITIL category for incidents this runbook handles.
    public var category: String?
    /// The assignment group for those incidents (front matter `assignment_group`).
    public var assignmentGroup: String?
    /// Free-form tags.
    public var tags: [String]
    /// The alert matchers; all must hold. Empty means the runbook never runs automatically.
    public var matchers: [Matcher]
    /// Incident impact, 1 (high) ... 3 (low).
    public var impact: Int?
    /// Incident urgency, 1 (high) ... 3 (low); usually left to the alert.
    public var urgency: Int?
    /// Inputs, in front-matter order.
    public var parameters: [Parameter]
    /// The limit for the whole run.
    public var timeout: TimeSpan?
    /// How many runs of this runbook may be active at once (>= 1).
    public var concurrency: Int?
    /// Whether a successful run resolves the incident.
    public var resolve: ResolvePolicy
    /// The executable steps in document order.
    public var steps: [Step]
    /// The escalation policy its incidents follow (front matter `escalation`, a file stem under `oncall/policies/`);
    /// nil for the default by priority in `config/oncall.yaml`.
    public var escalation: String?
    /// When it runs as a job by itself (front matter `schedule`); nil for a runbook that runs on alerts and by hand only.
    public var schedule: RunbookSchedule?

    /// The JSON keys (`GET /api/v1/runbooks/{id}`, `runbooks show --json`): snake_case like the rest of the API,
    /// spelt out so that renaming a property cannot change the wire format.
    private enum CodingKeys: String, CodingKey {
        case id, path, title, summary, owner, service, category, tags, matchers, impact, urgency, parameters, timeout, concurrency
        case resolve, steps, escalation, schedule
        case assignmentGroup = "assignment_group"
    }

    /// Creates a runbook; everything but the identity has an empty default.
    public init(
        id: String, path: String, title: String, summary: String = "", owner: String? = nil, service: String? = nil,
        category: String? = nil, assignmentGroup: String? = nil, tags: [String] = [], matchers: [Matcher] = [],
        impact: Int? = nil, urgency: Int? = nil, parameters: [Parameter] = [], timeout: TimeSpan? = nil,
        concurrency: Int? = nil, resolve: ResolvePolicy = .auto, steps: [Step] = [], escalation: String? = nil,
        schedule: RunbookSchedule? = nil
    ) {
        self.escalation = escalation
        self.schedule = schedule
        self.id = id
        self.path = path
        self.title = title
        self.summary = summary
        self.owner = owner
        self.service = service
        self.category = category
        self.assignmentGroup = assignmentGroup
        self.tags = tags
        self.matchers = matchers
        self.impact = impact
        self.urgency = urgency
        self.parameters = parameters
        self.timeout = timeout
        self.concurrency = concurrency
        self.resolve = resolve
        self.steps = steps
    }

    /// The step with `id`, if any.
    public func step(id: String) -> Step? {
        steps.first { $0.id == id }
    }
}
