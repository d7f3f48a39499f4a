import Foundation
import Hummingbird

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
