import Hummingbird
import RunbookAPI

/// Finds who is asking from the request's `Authorization: Bearer` token and puts them in the context;
/// routes that need someone say so with ``RequireRole``. A request without a token goes on as nobody,
/// so the operations endpoints (`/metrics`, `/healthz`) stay open to probes.
struct TokenAuthentication: RouterMiddleware {
    typealias Context = ServerContext
    let tokens: TokenFile

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                context.principal = tokens.principal(for: String(parts[1]).trimmingCharacters(in: .whitespaces))
                if context.principal == nil { context.refusal = "the token is not valid" }
            } else {
                context.refusal = "the Authorization header must be `Bearer <token>`"
            }
        }
        return try await next(request, context)
    }

    /// A 401 that tells the client to send a bearer token.
    static func unauthorized(_ message: String) -> APIError {
        var error = APIError(401, code: "unauthorized", message)
        error.headers["WWW-Authenticate"] = "Bearer realm=\"runbook\""
        return error
    }
}

/// Lets through requests whose token has at least `role` (roles are a ladder): 401 without a valid
/// token, 403 with too low a role.
struct RequireRole: RouterMiddleware {
    typealias Context = ServerContext
    let role: Role

    init(_ role: Role) {
        self.role = role
    }

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        let principal = try context.actor()
        guard principal.role >= role else {
            throw APIError(403, code: "forbidden",
                           "the token '\(principal.name)' has the role \(principal.role.rawValue); this needs \(role.rawValue) or higher")
        }
        return try await next(request, context)
    }
}

extension RouterMethods where Context == ServerContext {
    /// A group of routes open to tokens with at least `role`.
    func group(_ path: RouterPath = "", role: Role) -> RouterGroup<ServerContext> {
        group(path).add(middleware: RequireRole(role))
    }
}
