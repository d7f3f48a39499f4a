import Hummingbird
import RunbookAPI

/// Finds who is asking from the request's `Authorization: Bearer` token, or else from the dashboard's session
/// cookie, and puts them in the context; routes that need someone say so with ``RequireRole``. A request without
/// either goes on as nobody, so the operations endpoints (`/metrics`, `/healthz`) stay open to probes.
///
/// A browser sends the cookie with every request to this server, also one a page of another site makes it send;
/// so a change made on the cookie must prove it comes from the dashboard: the session's CSRF token in the
/// `X-CSRF-Token` header (the dashboard's scripts), or in the form, which the dashboard's own form routes check.
struct TokenAuthentication: RouterMiddleware {
    typealias Context = ServerContext
    let tokens: TokenFile
    let sessions: SessionBook

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
        } else if let id = request.cookies[Session.cookieName]?.value, !id.isEmpty {
            authenticate(session: id, request, &context)
        }
        return try await next(request, context)
    }

    private func authenticate(session id: String, _ request: Request, _ context: inout ServerContext) {
        guard let session = sessions.session(id),
              let entry = tokens.entries.first(where: { $0.name == session.tokenName }) else {
            context.refusal = "the session has ended; log in again"
            return
        }
        context.session = (id, session)
        let safe = request.method == .get || request.method == .head
        if safe || DashboardRoutes.checksItsOwnForms(request.uri.path) || request.headers[.csrfToken] == session.csrf {
            context.principal = Principal(name: entry.name, role: entry.role)
        } else {
            context.refusal = "a change made with the session cookie needs the session's X-CSRF-Token header"
        }
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
        _ = try context.actor(atLeast: role)
        return try await next(request, context)
    }
}

extension ServerContext {
    /// Who is asking, when their token has at least `role`: 401 without a valid token, 403 with too low a role.
    func actor(atLeast role: Role) throws -> Principal {
        let principal = try actor()
        guard principal.role >= role else {
            throw APIError(403, code: "forbidden",
                           "the token '\(principal.name)' has the role \(principal.role.rawValue); this needs \(role.rawValue) or higher")
        }
        return principal
    }
}

extension RouterMethods where Context == ServerContext {
    /// A group of routes open to tokens with at least `role`.
    func group(_ path: RouterPath = "", role: Role) -> RouterGroup<ServerContext> {
        group(path).add(middleware: RequireRole(role))
    }
}
