/// Why an SMTP delivery failed.
enum SMTPError: Error, Sendable, CustomStringConvertible {
    /// The server answered a command with a code ≥ 400 (or an unexpected one).
    case rejected(SMTPReply, command: String)
    /// TLS is required and the server's EHLO does not list STARTTLS.
    case startTLSUnavailable
    /// Credentials are set and the server offers neither AUTH PLAIN nor LOGIN (or not without TLS).
    case authenticationUnavailable(String)
    /// The server sent no reply within the command timeout.
    case timeout
    /// The server closed the connection while a reply was awaited.
    case connectionClosed
    case malformedReply(String)
    case invalidAddress(String)
    /// The connection ended during or right after the TLS handshake, before the server's first encrypted reply: the
    /// handshake failed (a certificate not trusted, no common cipher), whichever error arrived first.
    case tlsFailed(String)

    var description: String {
        switch self {
        case .rejected(let reply, let command): "SMTP \(reply.text)" + (command.isEmpty ? "" : " (after \(command))")
        case .startTLSUnavailable: "server does not offer STARTTLS"
        case .authenticationUnavailable(let why): why
        case .timeout: "timeout waiting for the SMTP server"
        case .connectionClosed: "the SMTP server closed the connection"
        case .malformedReply(let text): "malformed SMTP reply: \(text)"
        case .invalidAddress(let address): "invalid email address \(address.debugDescription)"
        case .tlsFailed(let why): "TLS failed: \(why)"
        }
    }

    /// Whether the server still awaits a command (so QUIT is polite), rather than having gone quiet or away.
    var leavesSessionOpen: Bool {
        switch self {
        case .rejected, .startTLSUnavailable, .authenticationUnavailable: true
        case .timeout, .connectionClosed, .malformedReply, .invalidAddress, .tlsFailed: false
        }
    }

    /// Whether another attempt may succeed: a 4xx reply, a timeout or a dropped connection may pass.
    var isTransient: Bool {
        switch self {
        case .rejected(let reply, _): reply.code < 500
        case .timeout, .connectionClosed: true
        default: false
        }
    }
}
