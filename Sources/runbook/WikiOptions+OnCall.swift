import Foundation
import OnCall
import Runbooks
import Wiki

extension WikiOptions {
    /// The wiki's on-call files, from where lint reads runbooks: the work tree (what is about to be committed),
    /// unless a revision was asked for or the repository is bare.
    func onCallFiles() throws -> [(path: String, text: String)] {
        let repository = try openRepository()
        guard revision == nil, let workTree = repository.workTree else {
            return try OnCallConfig.files(in: repository, at: commit(in: repository))
        }
        return OnCallConfig.files(inWorkTree: URL(fileURLWithPath: workTree))
    }

    /// The wiki's inventory, read where lint reads runbooks (the work tree, unless a revision was asked for), with its findings.
    func inventoryForLint() throws -> (inventory: Inventory, diagnostics: [Diagnostic]) {
        let repository = try openRepository()
        guard revision == nil, let workTree = repository.workTree else {
            return try Inventory.load(from: repository, at: commit(in: repository))
        }
        return Inventory.load(workTree: URL(fileURLWithPath: workTree))
    }

    /// Lint's findings in `config/audit-signers`, read where lint reads runbooks; none when the wiki has no such file.
    func auditSignersForLint() throws -> [Diagnostic] {
        let repository = try openRepository()
        let text: String?
        if revision == nil, let workTree = repository.workTree {
            text = FileManager.default.contents(atPath: (workTree as NSString).appendingPathComponent(AllowedSigners.path))
                .map { String(decoding: $0, as: UTF8.self) }
        } else {
            text = try? String(decoding: repository.readFile(AllowedSigners.path, at: commit(in: repository)), as: UTF8.self)
        }
        guard let text else { return [] }
        do {
            _ = try AllowedSigners(text: text)
            return []
        } catch {
            return [Diagnostic(file: AllowedSigners.path, line: error.line, severity: .error, message: error.reason)]
        }
    }

    /// The wiki's on-call configuration. Errors in the files are counted on stderr; the parts that load are used, as
    /// the server uses them.
    func onCallConfig(now: Date = Date()) throws -> OnCallConfig {
        let (config, diagnostics) = OnCallConfig.load(files: try onCallFiles(), now: now)
        let errors = diagnostics.filter { $0.severity == .error }.count
        if errors > 0 {
            Console.note("\(errors) error\(errors == 1 ? "" : "s") in the on-call files; what they concern is left out (run `runbook lint`)")
        }
        return config
    }
}
