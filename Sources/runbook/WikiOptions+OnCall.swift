import Foundation
import OnCall
import Runbooks

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
