import Foundation

/// `config/known_hosts`: the host keys trusted for the inventory's hosts, reviewed in the wiki like any change.
///
/// It is OpenSSH's own format, handed to `ssh` as `UserKnownHostsFile`. Keys are pinned under the inventory
/// name, not the address (`ssh` is told `HostKeyAlias=NAME`), so moving a host to a new address needs no new
/// trust, and one key cannot vouch for another inventory name.
public struct KnownHosts: Sendable, Equatable {
    /// The file as committed.
    public let text: String
    /// Inventory name → the key types pinned for it, and the line of the first.
    public let pinned: [String: (types: [String], line: Int)]

    public init(text: String) {
        self.text = text
        var pinned: [String: (types: [String], line: Int)] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let entry = Self.entry(line) else { continue }
            for name in entry.names {
                pinned[name, default: ([], index + 1)].types.append(entry.type)
            }
        }
        self.pinned = pinned
    }

    /// The names and key type of one line; `nil` for blank lines, comments and markers (`@revoked`).
    static func entry(_ line: Substring) -> (names: [String], type: String)? {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 3, let first = fields.first, !first.hasPrefix("#"), !first.hasPrefix("@") else { return nil }
        return (first.split(separator: ",").map(String.init), String(fields[1]))
    }

    /// Problems a line has, with its 1-based line number: too few fields, or a name no inventory host has.
    public func problems(knownNames: Set<String>) -> [(line: Int, message: String, isError: Bool)] {
        var problems: [(line: Int, message: String, isError: Bool)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("@") { continue }
            guard let entry = Self.entry(line) else {
                problems.append((index + 1, "expected NAME KEY-TYPE BASE64-KEY (as `runbook hosts trust NAME` prints it)", true))
                continue
            }
            for name in entry.names where !knownNames.contains(name) {
                problems.append((index + 1, "'\(name)' is not an inventory host: ssh is told the inventory name (HostKeyAlias), "
                                 + "so this key is never used", false))
            }
        }
        return problems
    }

    public static func == (lhs: KnownHosts, rhs: KnownHosts) -> Bool {
        lhs.text == rhs.text
    }
}
