import Foundation
import Hummingbird

/// Checks the bearer token of a request against the token file.
struct Authorization: Sendable {
    let tokens: TokenFile

    /// The principal behind the request's `Authorization: Bearer` token, if it has at least `role`.
    ///
    /// - Throws: 401 without a valid token (with `WWW-Authenticate`), 403 when its role is too low.
    func require(_ role: Role, _ request: Request) throws -> Principal {
        guard let header = request.headers[.authorization] else {
            throw Self.unauthorized("this endpoint needs a token: send Authorization: Bearer <token>")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Self.unauthorized("the Authorization header must be `Bearer <token>`")
        }
        return try require(role, secret: String(parts[1]).trimmingCharacters(in: .whitespaces))
    }

    /// The principal holding `secret` (a PagerDuty routing key, say), if it has at least `role`.
    func require(_ role: Role, secret: String) throws -> Principal {
        guard let principal = tokens.principal(for: secret) else { throw Self.unauthorized("the token is not valid") }
        guard principal.role >= role else {
            throw APIError(.forbidden, code: "forbidden",
                           "the token '\(principal.name)' has the role \(principal.role.rawValue); this needs \(role.rawValue) or higher")
        }
        return principal
    }

    private static func unauthorized(_ message: String) -> APIError {
        var error = APIError(.unauthorized, code: "unauthorized", message)
        error.headers[.wwwAuthenticate] = "Bearer realm=\"runbook\""
        return error
    }
}
