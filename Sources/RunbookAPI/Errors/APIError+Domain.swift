import Executor
import ITIL

extension APIError {
    /// What the incident model refused, as the API says it: bad input is a 400 naming the body's field,
    /// a change the incident's state does not allow a 409.
    public init(_ error: IncidentError) {
        switch error {
        case .resolutionIncomplete: self = .badRequest(error.description, field: "close_code", code: "missing_field")
        case .holdReasonMissing: self = .badRequest(error.description, field: "hold_reason", code: "missing_field")
        case .detailNotApplicable: self = .badRequest(error.description, code: "invalid_field")
        case .emptyText(let field), .nulCharacter(let field), .textTooLong(let field, _):
            self = .badRequest(error.description, field: Self.bodyField(field), code: "invalid_field")
        case .invalidLabel(let name, _): self = .badRequest(error.description, field: "labels.\(name)", code: "invalid_field")
        case .impactOutOfRange: self = .badRequest(error.description, field: "impact", code: "invalid_field")
        case .urgencyOutOfRange: self = .badRequest(error.description, field: "urgency", code: "invalid_field")
        case .invalidNumber, .unknownState, .unknownCloseCode, .unknownHoldReason: self = .badRequest(error.description, code: "invalid_field")
        default: self = APIError(409, code: "invalid_transition", error.description)
        }
    }

    /// What the executor refused: an unknown run is a 404, a decision the run's state does not allow a 409.
    public init(_ error: ExecutorError) {
        switch error {
        case .unknownRun(let id): self = .notFound("there is no run \(id)")
        case .runFinished, .notAwaitingApproval, .alreadyDecided, .incidentEnded: self = APIError(409, code: "invalid_state", error.description)
        default: self = APIError(500, code: "internal", error.description)
        }
    }

    /// A run whose parameters were refused: nothing ran, and the caller can fix the values.
    public init(_ refusal: RunRefusal) {
        self = .badRequest(refusal.description, field: "params", code: "invalid_params")
    }

    /// The body field of the API that carries the incident field the model names.
    private static func bodyField(_ field: String) -> String {
        switch field {
        case "short description": "short_description"
        case "note": "text"
        case "close notes": "close_notes"
        default: field
        }
    }
}
