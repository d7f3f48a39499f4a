import ITIL

/// The filters of `GET /api/v1/incidents`: states (`open` for every open one), priorities, service, assignee and
/// words of the short description; each left out matches everything.
public struct IncidentQuery: Sendable, Equatable {
    public var states: Set<IncidentState>?
    public var priorities: Set<Int>?
    public var service: String?
    public var assignedTo: String?
    /// Words the short description contains, case-insensitively.
    public var words: String?
    public var paging: Paging

    public init(states: Set<IncidentState>? = nil, priorities: Set<Int>? = nil, service: String? = nil, assignedTo: String? = nil,
                words: String? = nil, paging: Paging = Paging()) {
        self.states = states
        self.priorities = priorities
        self.service = service
        self.assignedTo = assignedTo
        self.words = words
        self.paging = paging
    }

    /// Reads the query parameters `state`, `priority` (comma-separated), `service`, `assigned_to`, `q`, `limit`,
    /// `offset`; a bad one is a 400 naming it.
    public init(_ parameter: (String) -> String?) throws(APIError) {
        self.init(states: try parameter("state").map { text throws(APIError) in try Self.states(text) },
                  priorities: try parameter("priority").map { text throws(APIError) in try Self.priorities(text) },
                  service: parameter("service"), assignedTo: parameter("assigned_to"), words: parameter("q"),
                  paging: try Paging(parameter))
    }

    /// The query parameters that ask for this.
    public var parameters: [String: String] {
        var parameters = paging.parameters
        parameters["state"] = states.map { $0.map(\.rawValue).sorted().joined(separator: ",") }
        parameters["priority"] = priorities.map { $0.sorted().map(String.init).joined(separator: ",") }
        parameters["service"] = service
        parameters["assigned_to"] = assignedTo
        parameters["q"] = words
        return parameters
    }

    /// Whether `incident` passes every filter.
    public func matches(_ incident: Incident) -> Bool {
        (states?.contains(incident.state) ?? true)
            && (priorities?.contains(incident.priority.rawValue) ?? true)
            && (service.map { incident.service == $0 } ?? true)
            && (assignedTo.map { incident.assignedTo == $0 } ?? true)
            && (words.map { incident.shortDescription.lowercased().contains($0.lowercased()) } ?? true)
    }

    /// `new,in-progress`, or `open` for every open state.
    public static func states(_ text: String) throws(APIError) -> Set<IncidentState> {
        var states = Set<IncidentState>()
        for part in text.split(separator: ",") {
            if part.lowercased() == "open" {
                states.formUnion(IncidentState.allCases.filter(\.isOpen))
            } else if let state = IncidentState(parsing: part) {
                states.insert(state)
            } else {
                throw APIError.badRequest("unknown state '\(part)'; use open or one of: \(IncidentState.spellings)", field: "state",
                                          code: "invalid_parameter")
            }
        }
        return states
    }

    private static func priorities(_ text: String) throws(APIError) -> Set<Int> {
        var priorities = Set<Int>()
        for part in text.split(separator: ",") {
            guard let value = Int(part), (1...5).contains(value) else {
                throw APIError.badRequest("priority must be 1 to 5 (comma-separated), not '\(part)'", field: "priority",
                                          code: "invalid_parameter")
            }
            priorities.insert(value)
        }
        return priorities
    }
}
