import Foundation

/// An error the API reports as `{"error": {"code", "message", "field"}}` with a 4xx or 5xx status: what was
/// wrong and, for bad input, where (a JSON path such as `alerts[0].labels`, a query parameter).
///
/// The one error type of the API, whichever side of the wire: the server renders it, the HTTP client
/// reads it back, and the in-process client (``LocalClient``) throws it, so every command reports a
/// mistake the same way with or without a server.
public struct APIError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The HTTP status (400, 404, 409 ...).
    public let status: Int
    /// A stable machine-readable code (`invalid_json`, `missing_field`, `unauthorized` ...).
    public let code: String
    public let message: String
    /// The JSON path or parameter the error is about, when there is one.
    public let field: String?
    /// Extra headers (`WWW-Authenticate`, `Allow`, `Retry-After`).
    public var headers: [String: String] = [:]

    public init(_ status: Int, code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    /// `409 invalid_transition: ... (field)`.
    public var description: String { "\(status) \(code): \(message)" + (field.map { " (\($0))" } ?? "") }

    /// The JSON body.
    public func body() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(Envelope(error: .init(code: code, message: message, field: field)))) ?? Data()
    }

    /// The error an error response's body describes; nil when the body is not one.
    public static func read(status: Int, body: Data) -> APIError? {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: body) else { return nil }
        return APIError(status, code: envelope.error.code, envelope.error.message, field: envelope.error.field)
    }

    private struct Envelope: Codable {
        struct Inner: Codable {
            let code: String
            let message: String
            let field: String?
        }
        let error: Inner
    }

    // MARK: - Common errors

    public static func badRequest(_ message: String, field: String? = nil, code: String = "invalid_request") -> APIError {
        APIError(400, code: code, message, field: field)
    }

    public static func notFound(_ message: String) -> APIError {
        APIError(404, code: "not_found", message)
    }

    public static func conflict(_ message: String) -> APIError {
        APIError(409, code: "conflict", message)
    }
}
