import Foundation

/// A git server that keeps a copy of the audit branch (`serve --audit-remote NAME=URL`, or `audit_remotes:` in the
/// data directory's `config.yaml`): pushed to after every batch, never forced.
///
/// URLs: `ssh://HOST/path` or `HOST:path` where HOST is an inventory host (so the connection is pinned and
/// authenticated as remote steps are, from `config/inventory.yaml` and `config/known_hosts`); `https://` or `http://`
/// (the token, if any, is the secret `audit-remote-NAME`); `git://`; a local path or `file://` URL.
public struct AuditRemote: Sendable, Equatable, Codable {
    /// How the remote is reached.
    public enum Transport: Sendable, Equatable {
        /// Over SSH to this inventory host.
        case ssh(host: String)
        case http
        case git
        case file
    }

    /// `backup`: letters, digits, `.`, `_` and `-`.
    public let name: String
    public let url: String

    /// A remote; the name and the URL are checked.
    public init(name: String, url: String) throws(AuditRemoteError) {
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }),
              !name.hasPrefix("."), !name.hasPrefix("-") else {
            throw .invalid("audit remote name '\(name)': use letters, digits, '.', '_' and '-' (at most 64)")
        }
        guard !url.isEmpty, !url.hasPrefix("-"), !url.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw .invalid("audit remote \(name): '\(url)' is not a git URL")
        }
        self.name = name
        self.url = url
        _ = try transport
    }

    /// `NAME=URL`, as `--audit-remote` takes it.
    public init(parsing argument: String) throws(AuditRemoteError) {
        guard let equals = argument.firstIndex(of: "=") else {
            throw .invalid("'\(argument)' is not NAME=URL (e.g. backup=ssh://backup-host/srv/audit.git)")
        }
        try self.init(name: String(argument[..<equals]), url: String(argument[argument.index(after: equals)...]))
    }

    /// How the URL is reached.
    public var transport: Transport {
        get throws(AuditRemoteError) {
            let lower = url.lowercased()
            if lower.hasPrefix("https://") || lower.hasPrefix("http://") { return .http }
            if lower.hasPrefix("git://") { return .git }
            if lower.hasPrefix("file://") || url.hasPrefix("/") { return .file }
            if lower.hasPrefix("ssh://") {
                guard let host = URL(string: url)?.host, !host.isEmpty else { throw .invalid("audit remote \(name): no host in '\(url)'") }
                return .ssh(host: host)
            }
            // scp-like `[user@]host:path`.
            if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") {
                let host = url[..<colon].split(separator: "@").last.map(String.init) ?? ""
                guard !host.isEmpty else { throw .invalid("audit remote \(name): no host in '\(url)'") }
                return .ssh(host: host)
            }
            throw .invalid("audit remote \(name): '\(url)' is not an ssh://, https://, git:// or file URL, a HOST:path or an absolute path")
        }
    }

    /// The secret holding an HTTP remote's token.
    public var tokenSecret: String { "audit-remote-\(name)" }

    /// The URL with any password left out, for logs and output.
    public var displayURL: String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}

/// A remote that cannot be used as given.
public enum AuditRemoteError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let why): why
        }
    }
}
