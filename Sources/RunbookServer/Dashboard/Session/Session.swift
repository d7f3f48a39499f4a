import Foundation

/// A browser's login: made from an API token pasted once, held in an HttpOnly cookie, ended by logging out or
/// after ``lifetime``. It names the token, not its role: the role is read from the token file on every request, so
/// revoking or demoting the token ends or narrows the session at once.
struct Session: Sendable, Equatable {
    /// The token's name (the actor of everything done in the session).
    let tokenName: String
    /// Sent back in every form and in the scripts' `X-CSRF-Token` header: a page of another site cannot read it.
    let csrf: String
    let expires: Date

    /// A shift and a bit: long enough for one incident, short enough that a forgotten browser logs out.
    static let lifetime: TimeInterval = 12 * 3600

    /// The cookie's name.
    static let cookieName = "runbook_session"
}
