import Foundation
import Hummingbird
import NIOCore
import RunbookAPI

/// The request context of every route: Hummingbird's core storage, and who is asking, which
/// ``TokenAuthentication`` finds from the bearer token before any route runs.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token's holder, when the request carried a valid token.
    public var principal: Principal?
    /// The dashboard session the request came with (its cookie's value, and what it stands for), when it did.
    var session: (id: String, value: Session)?
    /// Why the request's credentials were not accepted, when it carried some.
    var refusal: String?
    /// The connection, which a refusal of an unread body closes (see ``ErrorMiddleware``).
    let channel: any Channel

    public init(source: Source) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Bodies are read with explicit limits per route (``JSONBody``); this is only Hummingbird's own ceiling.
    public var maxUploadSize: Int { 64 << 20 }

    /// Replies are encoded like incident records: keys sorted, times `2026-05-01T12:34:56.789Z`.
    public var responseEncoder: JSONEncoder { JSONBody.encoder }

    /// Who is asking; a route behind ``RequireRole`` always has one.
    func actor() throws -> Principal {
        guard let principal else { throw TokenAuthentication.unauthorized(refusal ?? "this endpoint needs a token") }
        return principal
    }
}
