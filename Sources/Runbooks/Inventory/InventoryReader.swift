import Foundation
import Yams

/// Reads `config/inventory.yaml` and `config/known_hosts`, reporting every problem with its file and line.
///
/// ```yaml
/// defaults: { user: runbook, port: 22, key: ssh-key }   # key: a secret (`runbook secrets set ssh-key`)
/// hosts:
///   db1: { address: 10.0.0.5, labels: { role: db, env: prod } }
///   db2: { address: db2.internal, port: 2222, jump: bastion, labels: { role: db, env: prod } }
///   bastion: { address: 203.0.113.7 }
/// ```
///
/// A host with an error is left out, so steps on it are refused; the rest load.
struct InventoryReader {
    static let topKeys = ["defaults", "hosts"]
    static let defaultKeys = ["user", "port", "key"]
    static let hostKeys = ["address", "port", "user", "labels", "jump", "key"]
    /// The secret a host's key is read from when neither it nor the defaults name one.
    static let defaultKey = "ssh-key"

    private let lint = YAMLLint(path: Inventory.path)

    private struct Defaults {
        var user: String?
        var port = 22
        var key = InventoryReader.defaultKey
    }

    /// The hosts that read cleanly, and the findings.
    func read(_ text: String) -> ([String: InventoryHost], [Diagnostic]) {
        guard let root = lint.compose(text), let top = lint.mapping(root, "inventory", known: Self.topKeys) else {
            return ([:], lint.diagnostics)
        }
        let defaults = top["defaults"].map { readDefaults($0.value) } ?? Defaults()
        var hosts: [String: InventoryHost] = [:]
        for (keyNode, value) in top["hosts"].flatMap({ lint.namedEntries($0.value, "hosts") }) ?? [] {
            if let host = readHost(keyNode, value, defaults: defaults) { hosts[host.name] = host }
        }
        checkJumps(hosts, in: top["hosts"]?.value)
        return (hosts, lint.diagnostics)
    }

    private func readDefaults(_ node: Node) -> Defaults {
        var defaults = Defaults()
        guard let entries = lint.mapping(node, "defaults", known: Self.defaultKeys) else { return defaults }
        defaults.user = entries["user"].flatMap { user($0.value, "defaults.user") }
        if let port = entries["port"].flatMap({ port($0.value, "defaults.port") }) { defaults.port = port }
        if let key = entries["key"].flatMap({ secretName($0.value, "defaults.key") }) { defaults.key = key }
        return defaults
    }

    private func readHost(_ keyNode: Node, _ node: Node, defaults: Defaults) -> InventoryHost? {
        let name = keyNode.string ?? ""
        let what = "hosts.\(name)"
        let before = lint.errorCount
        if !HostName.isValidName(name) {
            lint.error(keyNode, "\(what): invalid host name: use lowercase letters, digits, '.', '_' and '-' (^[a-z0-9][a-z0-9._-]*$)")
        }
        guard let entries = lint.mapping(node, what, known: Self.hostKeys) else { return nil }
        guard let addressNode = entries["address"]?.value else {
            lint.error(node, "\(what): no address (a DNS name or an IP address)")
            return nil
        }
        let address = lint.string(addressNode, "\(what).address")
        if let address, !HostName.isValidAddress(address) {
            lint.error(addressNode, "\(what).address: '\(address)' is not a DNS name or IP address")
        }
        let port = entries["port"].map { self.port($0.value, "\(what).port") } ?? defaults.port
        let user = entries["user"].map { self.user($0.value, "\(what).user") } ?? defaults.user
        if user == nil, entries["user"] == nil { lint.error(node, "\(what): no user (give one here or in defaults.user)") }
        let labels = entries["labels"].map { self.labels($0.value, "\(what).labels") } ?? [:]
        let jump = entries["jump"].flatMap { lint.string($0.value, "\(what).jump") }
        let key = entries["key"].map { secretName($0.value, "\(what).key") } ?? defaults.key
        guard lint.errorCount == before, let address, let port, let user, let key else { return nil }
        return InventoryHost(name: name, address: address, port: port, user: user, labels: labels, jump: jump, key: key)
    }

    /// Reports a `jump:` that names no host, or a chain of jumps that comes back to where it started.
    private func checkJumps(_ hosts: [String: InventoryHost], in node: Node?) {
        for host in hosts.values.sorted(by: { $0.name < $1.name }) {
            var seen: Set<String> = [host.name]
            var next = host.jump
            while let name = next {
                guard let jump = hosts[name] else {
                    lint.error(line: line(of: host.name, in: node), "hosts.\(host.name).jump: no host '\(name)' in the inventory")
                    break
                }
                guard seen.insert(name).inserted else {
                    lint.error(line: line(of: host.name, in: node), "hosts.\(host.name).jump: the jumps loop back to '\(name)'")
                    break
                }
                next = jump.jump
            }
        }
    }

    private func line(of name: String, in node: Node?) -> Int {
        node?.mapping?.first { $0.key.string == name }?.key.line ?? 1
    }

    private func port(_ node: Node, _ what: String) -> Int? {
        guard let port = lint.int(node, what, atLeast: 1) else { return nil }
        guard port <= 65_535 else {
            lint.error(node, "\(what): \(port) is not a port (1-65535)")
            return nil
        }
        return port
    }

    private func user(_ node: Node, _ what: String) -> String? {
        guard let user = lint.string(node, what) else { return nil }
        guard HostName.isValidUser(user) else {
            lint.error(node, "\(what): '\(user)' is not a user name (^[a-z_][a-z0-9_.-]*$)")
            return nil
        }
        return user
    }

    private func secretName(_ node: Node, _ what: String) -> String? {
        guard let name = lint.string(node, what) else { return nil }
        guard SecretName.isValid(name) else {
            lint.error(node, "\(what): '\(name)' is not a secret name (\(SecretName.rule))")
            return nil
        }
        return name
    }

    private func labels(_ node: Node, _ what: String) -> [String: String] {
        var labels: [String: String] = [:]
        for (keyNode, value) in lint.namedEntries(node, what) ?? [] {
            let name = keyNode.string ?? ""
            guard Matcher.isValidLabelName(name) else {
                lint.error(keyNode, "\(what): '\(name)' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)")
                continue
            }
            if let text = lint.string(value, "\(what).\(name)") { labels[name] = text }
        }
        return labels
    }
}
