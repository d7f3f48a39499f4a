import Foundation
import Hummingbird
import ITIL

/// An error the API reports to the client as `{"error": {"code", "message", "field"}}` with a 4xx
/// status: what was wrong and, for bad input, where (a JSON path such as `alerts[0].labels`).
public struct APIError: Error, HTTPResponseError, CustomStringConvertible, Sendable {
    public let status: HTTPResponse.Status
    /// A stable machine-readable code (`invalid_json`, `missing_field`, `unauthorized` ...).
    public let code: String
    public let message: String
    /// The JSON path or parameter the error is about, when there is one.
    public let field: String?
    /// Extra headers (`WWW-Authenticate`, `Allow`, `Retry-After`).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { "\(status.code) \(code): \(message)" + (field.map { " (\($0))" } ?? "") }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body())))
    }

    /// The JSON body.
    func body() -> [UInt8] {
        struct Envelope: Encodable {
            struct Inner: Encodable {
                let code: String
                let message: String
                let field: String?
            }
            let error: Inner
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(Envelope(error: .init(code: code, message: message, field: field)))) ?? Data())
    }

    /// What the incident model refused, as the API says it: bad input is a 400 naming the body's field,
    /// a change the incident's state does not allow a 409.
    init(_ error: IncidentError) {
        switch error {
        case .resolutionIncomplete: self = .badRequest(error.description, field: "close_code", code: "missing_field")
        case .holdReasonMissing: self = .badRequest(error.description, field: "hold_reason", code: "missing_field")
        case .detailNotApplicable: self = .badRequest(error.description, code: "invalid_field")
        case .emptyText(let field), .nulCharacter(let field): self = .badRequest(error.description, field: Self.bodyField(field), code: "invalid_field")
        case .impactOutOfRange: self = .badRequest(error.description, field: "impact", code: "invalid_field")
        case .urgencyOutOfRange: self = .badRequest(error.description, field: "urgency", code: "invalid_field")
        case .invalidNumber, .unknownState, .unknownCloseCode, .unknownHoldReason: self = .badRequest(error.description, code: "invalid_field")
        default: self = APIError(.conflict, code: "invalid_transition", error.description)
        }
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

    // MARK: - Common errors

    static func badRequest(_ message: String, field: String? = nil, code: String = "invalid_request") -> APIError {
        APIError(.badRequest, code: code, message, field: field)
    }

    static func notFound(_ message: String) -> APIError {
        APIError(.notFound, code: "not_found", message)
    }

    static func conflict(_ message: String) -> APIError {
        APIError(.conflict, code: "conflict", message)
    }
}
