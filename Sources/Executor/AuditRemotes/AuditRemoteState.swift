import Foundation
import Wiki

/// Where a copy of the audit branch stands, as the server last found it: `DATA/audit/remotes/NAME.json`, written
/// after every push attempt, read by `runbook audit remotes` and as an anchor by `runbook audit verify`.
public struct AuditRemoteState: Sendable, Equatable, Codable {
    public var name: String
    public var url: String
    /// The repository and branch copied (a data directory may serve one wiki, and be pointed at another by hand).
    public var repository: String
    public var branch: String
    /// The last head the remote accepted (or already had).
    public var pushed: ObjectID?
    public var pushedAt: Date?
    public var lastAttemptAt: Date?
    /// Why the last attempt failed; nil after a success.
    public var lastError: String?
    /// Whether the remote refused a fast-forward: its branch holds commits that ours does not.
    public var rejected: Bool

    public init(remote: AuditRemote, repository: Repository, branch: String) {
        name = remote.name
        url = remote.displayURL
        self.repository = repository.canonicalGitDirectory
        self.branch = branch
        rejected = false
    }

    /// The folder of the states.
    public static func folder(inDataDirectory data: String) -> String {
        (data as NSString).appendingPathComponent("audit/remotes")
    }

    /// The states of the copies of `branch` of `repository`.
    public static func all(inDataDirectory data: String, repository: Repository, branch: String) -> [AuditRemoteState] {
        let path = repository.canonicalGitDirectory
        return all(inDataDirectory: data).filter { $0.repository == path && $0.branch == branch }
    }

    /// Every state recorded in the data directory, by name.
    public static func all(inDataDirectory data: String) -> [AuditRemoteState] {
        let folder = folder(inDataDirectory: data)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(name))
                .flatMap { try? Self.decoder.decode(AuditRemoteState.self, from: $0) }
        }
    }

    /// The state of `remote`'s copy of `branch` of `repository`, or a fresh one.
    public static func load(_ remote: AuditRemote, inDataDirectory data: String, repository: Repository, branch: String) -> AuditRemoteState {
        let recorded = all(inDataDirectory: data, repository: repository, branch: branch).first { $0.name == remote.name }
        guard let recorded, recorded.url == remote.displayURL else { return AuditRemoteState(remote: remote, repository: repository, branch: branch) }
        return recorded
    }

    /// Deletes the state of the remote `name`; false when there is none.
    public static func forget(_ name: String, inDataDirectory data: String) -> Bool {
        guard (try? AuditRemote(name: name, url: "/")) != nil else { return false }
        return unlink((folder(inDataDirectory: data) as NSString).appendingPathComponent("\(name).json")) == 0
    }

    /// Writes the state atomically.
    public func save(inDataDirectory data: String) throws {
        let folder = Self.folder(inDataDirectory: data)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("\(name).json")), options: .atomic)
    }

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()
}
