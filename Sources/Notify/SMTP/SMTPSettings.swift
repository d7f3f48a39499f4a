/// How to reach an SMTP server and who the mail is from.
public struct SMTPSettings: Sendable, Hashable {
    /// When to use TLS.
    public enum Security: String, Sendable, Hashable, CaseIterable {
        /// Plain connection, then STARTTLS; fail if the server does not offer it. The default.
        case required
        /// STARTTLS if the server offers it, plain text otherwise.
        case opportunistic
        /// Never TLS: only for a relay on the same host or in tests.
        case none
        /// TLS from the first byte (SMTPS, usually port 465).
        case implicit
    }

    /// How the server's certificate is checked.
    public enum CertificateVerification: String, Sendable, Hashable, CaseIterable {
        /// Chain and host name: the default.
        case full
        /// Chain only, for a server reached by an address its certificate does not name.
        case noHostname
        /// Nothing: only for self-signed test servers.
        case none
    }

    /// A user name and password for AUTH PLAIN or LOGIN.
    public struct Credentials: Sendable, Hashable {
        public var username: String
        public var password: String

        /// Creates credentials.
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// The server's host name (checked against its certificate) or address.
    public var host: String
    /// 587 for submission with STARTTLS, 465 for implicit TLS, 25 for a relay.
    public var port: Int
    /// The envelope sender and `From:` address, e.g. "oncall@example.com".
    public var from: String
    /// The `From:` display name.
    public var fromName: String
    /// The name this client gives in EHLO.
    public var heloName: String
    /// When TLS is used; `.required` unless told otherwise.
    public var security: Security
    /// How the server's certificate is checked; `.full` unless told otherwise.
    public var certificateVerification: CertificateVerification
    /// Credentials for AUTH, or nil for a server that needs none.
    public var credentials: Credentials?
    /// Whether credentials may be sent without TLS; off so that a missing STARTTLS never leaks a password.
    public var allowsAuthenticationWithoutTLS: Bool
    /// How long the server may take to answer one command (and to accept the connection).
    public var commandTimeout: Duration

    /// Creates settings; TLS is required and fully verified unless told otherwise.
    public init(
        host: String,
        port: Int = 587,
        from: String,
        fromName: String = "Runbook",
        heloName: String = "runbook.localhost",
        security: Security = .required,
        certificateVerification: CertificateVerification = .full,
        credentials: Credentials? = nil,
        allowsAuthenticationWithoutTLS: Bool = false,
        commandTimeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.from = from
        self.fromName = fromName
        self.heloName = heloName
        self.security = security
        self.certificateVerification = certificateVerification
        self.credentials = credentials
        self.allowsAuthenticationWithoutTLS = allowsAuthenticationWithoutTLS
        self.commandTimeout = commandTimeout
    }
}
