import Escalation
import Executor
import Foundation
import Notify

/// What paging needs beyond the wiki: the secrets file, the silences made through the API, and where people reach
/// this server (for the links in notifications).
public struct OnCallSetup: Sendable {
    public var secrets: Secrets
    public var silences: SilenceBook
    /// The server's address as people's browsers and phones reach it, e.g. `https://oncall.example.com`.
    public var publicURL: URL
    public var speech: SpeechSettings
    public var retry: RetryPolicy

    public init(secrets: Secrets, silences: SilenceBook, publicURL: URL, speech: SpeechSettings = SpeechSettings(),
                retry: RetryPolicy = RetryPolicy()) {
        self.secrets = secrets
        self.silences = silences
        self.publicURL = publicURL
        self.speech = speech
        self.retry = retry
    }

    /// The notification secrets of a data directory: `secrets.yaml` (made with new keys at first use), with the
    /// secrets of `runbook secrets set` added to its `values:`; where both name one, the store's is newer and wins.
    public static func secrets(in dataDirectory: String) throws -> Secrets {
        var secrets = try Secrets.loadOrCreate(in: dataDirectory)
        secrets.values.merge(SecretStore(dataDirectory: dataDirectory).values()) { _, stored in stored }
        return secrets
    }

    /// The setup of a data directory: its secrets file (made at first start) and silences file.
    public static func load(dataDirectory: String, publicURL: URL) throws -> OnCallSetup {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let secrets = try secrets(in: dataDirectory)
        let silences = try SilenceBook(path: (dataDirectory as NSString).appendingPathComponent("silences.json"))
        return OnCallSetup(secrets: secrets, silences: silences, publicURL: publicURL)
    }
}
