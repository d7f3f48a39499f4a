import Executor
import ITIL

/// The filters of `GET /api/v1/runs`: run states and the incident; each left out matches everything.
public struct RunQuery: Sendable, Equatable {
    public var states: Set<RunState>?
    public var incident: IncidentNumber?
    public var paging: Paging

    public init(states: Set<RunState>? = nil, incident: IncidentNumber? = nil, paging: Paging = Paging()) {
        self.states = states
        self.incident = incident
        self.paging = paging
    }

    /// Reads the query parameters `state` (comma-separated), `incident`, `limit`, `offset`; a bad one is a 400 naming it.
    public init(_ parameter: (String) -> String?) throws(APIError) {
        var states: Set<RunState>?
        if let text = parameter("state") {
            var parsed = Set<RunState>()
            for part in text.split(separator: ",") {
                guard let state = RunState(rawValue: String(part)) else {
                    throw APIError.badRequest("unknown run state '\(part)'; use one of: " + RunState.allCases.map(\.rawValue).joined(separator: ", "),
                                              field: "state", code: "invalid_parameter")
                }
                parsed.insert(state)
            }
            states = parsed
        }
        var incident: IncidentNumber?
        if let text = parameter("incident") {
            guard let number = IncidentNumber(parsing: text) else {
                throw APIError.badRequest("'\(text)' is not an incident number", field: "incident", code: "invalid_parameter")
            }
            incident = number
        }
        self.init(states: states, incident: incident, paging: try Paging(parameter))
    }

    /// The query parameters that ask for this.
    public var parameters: [String: String] {
        var parameters = paging.parameters
        parameters["state"] = states.map { $0.map(\.rawValue).sorted().joined(separator: ",") }
        parameters["incident"] = incident?.description
        return parameters
    }
}
