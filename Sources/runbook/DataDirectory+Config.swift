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
    /// - Throws: ``CLIError`` naming the file, the line and what is wrong there (an unknown key included: a misspelt
    ///   one would otherwise silently leave a remote out).
    func configuredAuditRemotes() throws -> [AuditRemote] {
        guard let data = FileManager.default.contents(atPath: configPath) else { return [] }
        let fail = { (node: Node?, why: String) in CLIError("\(configPath):\(node?.mark?.line ?? 1): \(why)") }
        let root: Node?
        do {
            root = try Yams.compose(yaml: String(decoding: data, as: UTF8.self))
        } catch {
            throw CLIError("\(configPath): not YAML: \(error)")
        }
        guard let root else { return [] }
        guard let settings = root.mapping else { throw fail(root, "expected settings such as audit_remotes:") }
        var remotes: [AuditRemote] = []
        for (key, value) in settings {
            guard key.string == "audit_remotes" else { throw fail(key, "unknown setting '\(key.string ?? "?")' (known: audit_remotes)") }
            guard let list = value.sequence else { throw fail(value, "audit_remotes is a list of {name, url}") }
            for item in list {
                guard let fields = item.mapping else { throw fail(item, "each audit remote is {name: NAME, url: URL}") }
                var name: String?
                var url: String?
                for (field, text) in fields {
                    switch field.string {
                    case "name": name = text.string
                    case "url": url = text.string
                    default: throw fail(field, "unknown key '\(field.string ?? "?")' of an audit remote (known: name, url)")
                    }
                }
                guard let name else { throw fail(item, "an audit remote without a name") }
                guard let url else { throw fail(item, "the audit remote \(name) has no url") }
                do {
                    remotes.append(try AuditRemote(name: name, url: url))
                } catch {
                    throw fail(item, error.description)
                }
            }
        }
        return remotes
    }

    /// The audit remotes: the config file's, then `extra` (a name given again replaces the file's).
    func auditRemotes(adding extra: [AuditRemote] = []) throws -> [AuditRemote] {
        let named = Set(extra.map(\.name))
        return try configuredAuditRemotes().filter { !named.contains($0.name) } + extra
    }
}
