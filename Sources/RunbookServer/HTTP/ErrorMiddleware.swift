import Foundation
import Hummingbird
import ITIL
import Logging

/// Turns every error into the API's JSON error body: ``APIError`` as it is, Hummingbird's
/// `HTTPError` (unknown route, body too large) with a code, a known path with the wrong method into
/// 405, and anything else into a 500 that is logged with its detail and never shown to the client.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let routes: @Sendable () -> RouteTable?

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as IncidentError {
            return try APIError(error).response(from: request, context: context)
        } catch let error as HTTPError {
            return try translate(error, request: request).response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return try APIError(.internalServerError, code: "internal", "the server failed to handle this request; see its log")
                .response(from: request, context: context)
        }
    }

    private func translate(_ error: HTTPError, request: Request) -> APIError {
        switch error.status {
        case .notFound:
            if let allowed = routes()?.methods(for: request.uri.path), !allowed.contains(request.method) {
                var notAllowed = APIError(
                    .methodNotAllowed, code: "method_not_allowed",
                    "\(request.method) is not supported on \(request.uri.path); use \(allowed.map(\.rawValue).joined(separator: ", "))")
                notAllowed.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
                return notAllowed
            }
            return APIError(.notFound, code: "not_found", "no route for \(request.method) \(request.uri.path)")
        case .contentTooLarge:
            return APIError(.contentTooLarge, code: "body_too_large", error.body ?? "the request body is larger than this endpoint accepts")
        default:
            return APIError(error.status, code: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                            error.body ?? error.status.reasonPhrase)
        }
    }
}
