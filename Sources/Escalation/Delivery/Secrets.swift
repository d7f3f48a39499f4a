import Foundation
import Notify
import Yams

/// What the on-call configuration must not hold: webhook URLs, tokens, SMTP credentials and the key that signs
/// acknowledge links. They live in the data directory (`secrets.yaml`, mode 0600), and the wiki names them.
///
/// ```yaml
/// link_key: 3q2+7w...           # base64, 32 bytes; made at first start
/// values:                       # what `secret:` in oncall/people.yaml and config/oncall.yaml names
///   alice-webhook: https://hooks.example.com/alice
///   ops-slack: https://hooks.slack.com/services/...
/// smtp: { host: smtp.example.com, port: 587, from: oncall@example.com, username: oncall, password: "...",
///         security: required }  # required | opportunistic | none | implicit; verify: full | no-hostname | none
/// ntfy_server: https://ntfy.sh  # for ntfy contacts that name no server
/// speech: { play: [aplay, "{wav}"] }   # optional: play announcements on this machine (argv, no shell)
/// ```
public struct Secrets: Sendable {
    public var linkKey: LinkKey
    /// Signs webhook bodies (`X-Runbook-Signature`); receivers hold it to check them. Not the link key: a receiver
    /// that could check signed links could also make them.
    public var webhookKey: [UInt8]?
    public var values: [String: String]
    public var smtp: SMTPSettings?
    public var ntfyServer: URL?
    public var playCommand: [String]?

    /// The file's name in the data directory.
    public static let fileName = "secrets.yaml"

    public init(linkKey: LinkKey, webhookKey: [UInt8]? = nil, values: [String: String] = [:], smtp: SMTPSettings? = nil, ntfyServer: URL? = nil,
                playCommand: [String]? = nil) {
        self.linkKey = linkKey
        self.webhookKey = webhookKey
        self.values = values
        self.smtp = smtp
        self.ntfyServer = ntfyServer
        self.playCommand = playCommand
    }

    /// Reads `secrets.yaml` in `directory`, creating it (with a new link key, mode 0600) when it is not there.
    ///
    /// - Throws: ``SecretsError`` when the file is readable by others, or does not parse.
    public static func loadOrCreate(in directory: String) throws -> Secrets {
        let path = (directory as NSString).appendingPathComponent(fileName)
        if !FileManager.default.fileExists(atPath: path) {
            let text = Self.template(key: LinkKey.generate(), webhookKey: LinkKey.generate())
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw SecretsError(path: path, message: "cannot create it")
            }
        }
        return try load(path: path)
    }

    /// Reads a secrets file, refusing one that others can read.
    public static func load(path: String) throws -> Secrets {
        var info = stat()
        guard stat(path, &info) == 0 else { throw SecretsError(path: path, message: "cannot read it (errno \(errno))") }
        guard info.st_mode & 0o077 == 0 else {
            throw SecretsError(path: path, message: String(format: "is readable by others (mode %o); run: chmod 600 %@",
                                                           info.st_mode & 0o777, path))
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw SecretsError(path: path, message: "cannot read it") }
        let file: SecretsFile
        do {
            file = try YAMLDecoder().decode(SecretsFile.self, from: String(decoding: data, as: UTF8.self))
        } catch {
            throw SecretsError(path: path, message: "\(error)")
        }
        return try file.secrets(path: path)
    }

    /// A new file's text: the link key and commented examples.
    static func template(key: LinkKey, webhookKey: LinkKey) -> String {
        """
        # Secrets for on-call notifications: never commit this file. The wiki's oncall/people.yaml and
        # config/oncall.yaml name entries of `values:` (`secret: alice-webhook`).
        # Signs acknowledge/snooze links in notifications; changing it makes links already sent invalid.
        link_key: \(key.base64)
        # Signs webhook bodies (X-Runbook-Signature: sha256=HMAC of "TIMESTAMP.BODY"); give it to your receivers.
        webhook_key: \(webhookKey.base64)
        values:
          # alice-webhook: https://hooks.example.com/alice
          # ops-slack: https://hooks.slack.com/services/T000/B000/XXXX
        # smtp: { host: smtp.example.com, port: 587, from: oncall@example.com, username: oncall, password: "secret", security: required }
        # ntfy_server: https://ntfy.sh
        # speech: { play: [aplay, "{wav}"] }

        """
    }
}

/// The file as written.
private struct SecretsFile: Decodable {
    struct SMTP: Decodable {
        var host: String
        var port: Int?
        var from: String
        var username: String?
        var password: String?
        var security: String?
        var verify: String?
    }

    struct Speech: Decodable {
        var play: [String]?
    }

    var link_key: String
    var webhook_key: String?
    var values: [String: String]?
    var smtp: SMTP?
    var ntfy_server: String?
    var speech: Speech?

    func secrets(path: String) throws -> Secrets {
        let key: LinkKey
        do { key = try LinkKey(base64: link_key) } catch { throw SecretsError(path: path, message: "link_key: \(error)") }
        var smtpSettings: SMTPSettings?
        if let smtp {
            guard let security = SMTPSettings.Security(rawValue: smtp.security ?? "required") else {
                throw SecretsError(path: path, message: "smtp.security: '\(smtp.security!)' is not one of required, opportunistic, none, implicit")
            }
            let spellings: [String: SMTPSettings.CertificateVerification] = ["full": .full, "no-hostname": .noHostname, "none": .none]
            guard let verification = spellings[smtp.verify ?? "full"] else {
                throw SecretsError(path: path, message: "smtp.verify: '\(smtp.verify!)' is not one of full, no-hostname, none")
            }
            let credentials = smtp.username.map { SMTPSettings.Credentials(username: $0, password: smtp.password ?? "") }
            smtpSettings = SMTPSettings(host: smtp.host, port: smtp.port ?? 587, from: smtp.from, security: security,
                                        certificateVerification: verification, credentials: credentials)
        }
        let server = try ntfy_server.map { text in
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https" else {
                throw SecretsError(path: path, message: "ntfy_server: '\(text)' is not an http(s) URL")
            }
            return url
        }
        let webhookKey = try webhook_key.map { text in
            guard let data = Data(base64Encoded: text), !data.isEmpty else {
                throw SecretsError(path: path, message: "webhook_key: not base64")
            }
            return [UInt8](data)
        }
        return Secrets(linkKey: key, webhookKey: webhookKey, values: values ?? [:], smtp: smtpSettings, ntfyServer: server, playCommand: speech?.play)
    }
}

/// A secrets file that cannot be used, and why.
public struct SecretsError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String { "\(path): \(message)" }
}
