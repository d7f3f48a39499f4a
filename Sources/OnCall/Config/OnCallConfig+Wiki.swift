import Foundation
import Runbooks
import Wiki

extension OnCallConfig {
    /// The folder of people, schedules and policies in the wiki.
    public static let folder = "oncall"
    /// The settings file: default policies, acknowledgement timeout, storm limit, channels, silences.
    public static let settingsPath = "config/oncall.yaml"

    /// Whether the wiki path is one of the on-call files.
    public static func isConfigFile(_ path: String) -> Bool {
        path == settingsPath || (path.hasPrefix(folder + "/") && (path.hasSuffix(".yaml") || path.hasSuffix(".yml")))
    }

    /// The on-call files of the wiki at `commit`.
    public static func files(in repository: Repository, at commit: ObjectID) throws -> [(path: String, text: String)] {
        var found = try repository.files(at: commit, under: folder).filter { isConfigFile($0.path) }
        found += try repository.files(at: commit, under: settingsPath)
        return try found.sorted { $0.path < $1.path }.map { entry in
            (entry.path, String(decoding: try repository.readBlob(entry.blob), as: UTF8.self))
        }
    }

    /// The on-call files of a wiki's work tree: what is about to be committed.
    public static func files(inWorkTree root: URL) -> [(path: String, text: String)] {
        var paths: [String] = []
        let base = root.appendingPathComponent(folder)
        if let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) {
            for case let url as URL in enumerator {
                let relative = folder + "/" + url.path.dropFirst(base.path.count + 1)
                if isConfigFile(relative) { paths.append(relative) }
            }
        }
        if FileManager.default.fileExists(atPath: root.appendingPathComponent(settingsPath).path) { paths.append(settingsPath) }
        return paths.sorted().compactMap { path in
            (try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)).map { (path, $0) }
        }
    }

    /// Findings about runbooks that name an escalation policy the wiki does not have.
    public func check(_ runbooks: [Runbook]) -> [Diagnostic] {
        runbooks.compactMap { runbook in
            guard let name = runbook.escalation, policies[name] == nil else { return nil }
            let known = policies.keys.sorted().joined(separator: ", ")
            return Diagnostic(file: runbook.path, line: 1, severity: .error,
                              message: "escalation: no policy '\(name)' in \(Self.folder)/policies/ (known: \(known.isEmpty ? "none" : known))")
        }
    }
}
