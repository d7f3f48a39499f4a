import Executor
import Foundation
import HTTPTypes
import Hummingbird
import ITIL
import Logging
import NIOCore
import NIOHTTP1
import RunbookAPI
import Wiki

/// Turns every error into the API's JSON error body: ``APIError`` as it is, the domain's refusals as
/// their 4xx, Hummingbird's `HTTPError` (unknown route, body too large) with a code, a known path
/// with the wrong method into 405, a body that breaks HTTP's framing into 400, and anything else
/// into a 500 that is logged with its detail and never shown to the client.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let routes: @Sendable () -> RouteTable?

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var refusal = Self.apiError(for: error, request: request, context: context, routes: routes)
            // A large body refused before it was read (a bad token, an encoding not taken) is not worth reading.
            if Self.carriesLargeBody(request) { refusal = refusal.closingConnection() }
            return refusal.response(closing: context.channel)
        }
    }

    /// Whether the request says it has a body over 64 KiB, or one of unknown length.
    private static func carriesLargeBody(_ request: Request) -> Bool {
        if let length = request.headers[.contentLength].flatMap(Int.init) { return length > 64 << 10 }
        return request.headers[.transferEncoding] != nil
    }

    /// The API's error for whatever a route threw (the dashboard shows the same ones as pages).
    static func apiError(for error: any Error, request: Request, context: ServerContext, routes: () -> RouteTable?) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as IncidentError: return APIError(error)
        case let error as ExecutorError: return APIError(error)
        case let refusal as RunRefusal: return APIError(refusal)
        case let error as HTTPError: return translate(error, request: request, routes: routes())
        case WikiError.anchorNotInHistory(let branch, let missing, let anchor):
            let error = WikiError.anchorNotInHistory(branch: branch, missing: missing, anchor: anchor)
            context.logger.critical("the audit branch lost its recorded head: nothing is written on it", metadata: ["error": "\(error)"])
            return APIError(503, code: "audit_history_rewritten", error.description)
        case WikiError.noSpace(let path):
            context.logger.critical("the audit repository's file system is full: writes are refused", metadata: ["path": "\(path)"])
            return APIError(503, code: "storage_full", WikiError.noSpace(path: path).description)
        case let error as GitError where error.message.contains(String(cString: strerror(ENOSPC))):
            context.logger.critical("the audit repository's file system is full: writes are refused", metadata: ["error": "\(error)"])
            return APIError(503, code: "storage_full", "no space left on the audit repository's file system: nothing of this write "
                            + "was recorded (what was acknowledged before is intact); free space and send it again (\(error.message))")
        case is NIOTooManyBytesError:
            return APIError(413, code: "body_too_large", "the request body is larger than this endpoint accepts").closingConnection()
        case let error as HTTPParserError:
            return APIError.badRequest("the request breaks HTTP's framing: \(error)", code: "malformed_http").closingConnection()
        default:
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return APIError(500, code: "internal", "the server failed to handle this request; see its log")
        }
    }

    private static func translate(_ error: HTTPError, request: Request, routes: RouteTable?) -> APIError {
        switch error.status {
        case .notFound:
            if let allowed = routes?.methods(for: request.uri.path), !allowed.contains(request.method) {
                var notAllowed = APIError(
                    405, code: "method_not_allowed",
                    "\(request.method) is not supported on \(request.uri.path); use \(allowed.map(\.rawValue).joined(separator: ", "))")
                notAllowed.headers["Allow"] = allowed.map(\.rawValue).joined(separator: ", ")
                return notAllowed
            }
            return APIError(404, code: "not_found", "no route for \(request.method) \(request.uri.path)")
        case .contentTooLarge:
            return APIError(413, code: "body_too_large", error.body ?? "the request body is larger than this endpoint accepts").closingConnection()
        default:
            return APIError(error.status.code, code: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                            error.body ?? error.status.reasonPhrase)
        }
    }
}

extension APIError {
    /// The error as a response: its JSON body and headers.
    func response() -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return Response(status: HTTPResponse.Status(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body())))
    }

    /// The error with `Connection: close`: the rest of a body the server did not read is not worth
    /// reading, and keeping the connection open would keep it buffered.
    func closingConnection() -> APIError {
        var error = self
        error.headers["Connection"] = "close"
        return error
    }

    /// The response; one that says `Connection: close` closes the connection once it is written, so the
    /// unread rest of the body is dropped rather than drained (Hummingbird reads it to the end otherwise,
    /// and a client that never sends it kept the connection, and what it had sent, until the idle timeout).
    func response(closing channel: any Channel) -> Response {
        var response = response()
        guard headers["Connection"] == "close" else { return response }
        let bytes = body()
        response.body = ResponseBody(contentLength: bytes.count) { writer in
            try await writer.write(ByteBuffer(bytes: bytes))
            try await writer.finish(nil)
            // After the response on the event loop: the close is queued behind the write that carries it.
            channel.close(promise: nil)
        }
        return response
    }
}
