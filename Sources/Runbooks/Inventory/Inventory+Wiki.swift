import Foundation
import Wiki

extension Inventory {
    /// Reads the inventory from its files' texts (either may be missing), with every finding.
    ///
    /// Never throws: problems are diagnostics with file and line, and the inventory holds the hosts that read cleanly.
    public static func load(inventory: String?, knownHosts: String?) -> (inventory: Inventory, diagnostics: [Diagnostic]) {
        let (hosts, findings) = inventory.map { InventoryReader().read($0) } ?? ([:], [])
        let pinned = KnownHosts(text: knownHosts ?? "")
        var diagnostics = findings
        for problem in pinned.problems(knownNames: Set(hosts.keys)) {
            diagnostics.append(Diagnostic(file: knownHostsPath, line: problem.line, severity: problem.isError ? .error : .warning,
                                          message: problem.message))
        }
        for name in hosts.keys.sorted() where pinned.pinned[name] == nil {
            diagnostics.append(Diagnostic(file: path, line: line(of: name, in: inventory ?? ""), severity: .warning,
                                          message: "host '\(name)' has no key in \(knownHostsPath): steps on it are refused "
                                              + "until one is committed (runbook hosts trust \(name))"))
        }
        return (Inventory(hosts: hosts, knownHosts: pinned), diagnostics)
    }

    /// Reads the inventory of the wiki at `commit`.
    public static func load(from repository: Repository, at commit: ObjectID) throws -> (inventory: Inventory, diagnostics: [Diagnostic]) {
        func text(_ path: String) throws -> String? {
            guard let entry = try repository.files(at: commit, under: path).first(where: { $0.path == path }) else { return nil }
            return String(decoding: try repository.readBlob(entry.blob), as: UTF8.self)
        }
        return load(inventory: try text(path), knownHosts: try text(knownHostsPath))
    }

    /// The inventory at the commit the repository's HEAD names; empty when there is no commit there yet.
    public static func atHead(of repository: Repository) throws -> Inventory {
        guard let head = try? repository.resolve("HEAD") else { return .empty }
        return try load(from: repository, at: head).inventory
    }

    /// Reads the inventory from a wiki's work tree: what is about to be committed.
    public static func load(workTree root: URL) -> (inventory: Inventory, diagnostics: [Diagnostic]) {
        func text(_ path: String) -> String? { try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) }
        return load(inventory: text(path), knownHosts: text(knownHostsPath))
    }

    /// Findings about runbooks whose steps name hosts the inventory does not have, or select none.
    public func check(_ runbooks: [Runbook]) -> [Diagnostic] {
        runbooks.flatMap { runbook in
            runbook.steps.compactMap { step -> Diagnostic? in
                switch step.target {
                case .host(let name) where hosts[name] == nil:
                    let known = hosts.keys.sorted().joined(separator: ", ")
                    return Diagnostic(file: runbook.path, line: step.line, severity: .error,
                                      message: "host=\(name): no host '\(name)' in \(Self.path) (known: \(known.isEmpty ? "none" : known))")
                case .hosts(let selector) where hosts(matching: selector).isEmpty:
                    return Diagnostic(file: runbook.path, line: step.line, severity: .warning,
                                      message: "hosts=\(selector): no inventory host has these labels, so the step would run nowhere")
                default:
                    return nil
                }
            }
        }
    }

    private static func line(of name: String, in text: String) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name + ":") } ?? 0) + 1
    }
}
