import ArgumentParser
import Executor
import Foundation
import Yams

/// `DATA/config.yaml`: settings of this machine's server that do not belong in the wiki (they differ between the
/// servers of one wiki). Today: the audit remotes.
///
/// ```yaml
/// audit_remotes:
///   - name: backup
///     url: ssh://backup-host/srv/audit.git
/// ```
extension DataDirectory {
    /// The config file's path.
    var configPath: String { (path as NSString).appendingPathComponent("config.yaml") }

    /// The audit remotes of the config file; none when there is no file.
    ///
    /// - Throws: ``CLIError`` naming the file and what is wrong in it.
    func configuredAuditRemotes() throws -> [AuditRemote] {
        guard let data = FileManager.default.contents(atPath: configPath) else { return [] }
        struct Config: Decodable {
            struct Remote: Decodable {
                let name: String
                let url: String
            }
            let auditRemotes: [Remote]?

            enum CodingKeys: String, CodingKey {
                case auditRemotes = "audit_remotes"
            }
        }
        do {
            let config = try YAMLDecoder().decode(Config.self, from: data)
            return try (config.auditRemotes ?? []).map { try AuditRemote(name: $0.name, url: $0.url) }
        } catch let error as AuditRemoteError {
            throw CLIError("\(configPath): \(error)")
        } catch {
            throw CLIError("\(configPath): \(error)")
        }
    }

    /// The audit remotes: the config file's, then `extra` (a name given again replaces the file's).
    func auditRemotes(adding extra: [AuditRemote] = []) throws -> [AuditRemote] {
        let named = Set(extra.map(\.name))
        return try configuredAuditRemotes().filter { !named.contains($0.name) } + extra
    }
}
