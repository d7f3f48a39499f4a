import Executor
import Hummingbird
import ITIL
import RunbookAPI
import Runbooks

// The API's records and replies, returned by routes as they are and encoded by the context's encoder.
extension Incident: ResponseEncodable {}
extension Run: ResponseEncodable {}
extension IncidentPage: ResponseEncodable {}
extension RunPage: ResponseEncodable {}
extension DecisionReply: ResponseEncodable {}
extension RunbookList: ResponseEncodable {}
extension ShownRunbook: ResponseEncodable {}
extension IntakeReply: ResponseEncodable {}
extension PagerDutyReply: ResponseEncodable {}
extension StartedRun: ResponseEncodable {}

extension Request {
    /// A query parameter's value.
    func query(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map(String.init)
    }
}

extension ServerContext {
    /// The `{name}` path parameter.
    func path(_ name: String) -> String {
        parameters.get(name) ?? ""
    }

    /// The `{number}` path parameter as an incident number, or a 400 naming it.
    func incidentNumber() throws -> IncidentNumber {
        let text = path("number")
        guard let number = IncidentNumber(parsing: text) else {
            throw APIError.badRequest("'\(text)' is not an incident number (INC followed by 7 digits)", field: "number", code: "invalid_parameter")
        }
        return number
    }

    /// The `{id}` path parameter as a run id, or a 400 naming it.
    func runID() throws -> RunID {
        let text = path("id")
        guard let id = RunID(parsing: text) else {
            throw APIError.badRequest("'\(text)' is not a run id (an incident number, a dash and a number: INC0000042-1)", field: "id",
                                      code: "invalid_parameter")
        }
        return id
    }
}
