/// One machine remote steps can run on, as `config/inventory.yaml` lists it.
///
/// Every field that reaches the `ssh` command line is checked when the file is read (``HostName``), so a
/// value can never be taken for an option (`-oProxyCommand=…`) or carry a second word.
public struct InventoryHost: Sendable, Equatable, Codable {
    /// The inventory name steps use (`host=db1`), which is also the name its key is pinned under in
    /// `config/known_hosts`.
    public var name: String
    /// Where to connect: a DNS name or an IP address.
    public var address: String
    public var port: Int
    /// The account steps run as.
    public var user: String
    /// Labels selectors match (`hosts=role=db,env=prod`).
    public var labels: [String: String]
    /// Another inventory host to connect through, if any.
    public var jump: String?
    /// The secret holding the private key (`runbook secrets set NAME`).
    public var key: String

    public init(name: String, address: String, port: Int = 22, user: String, labels: [String: String] = [:], jump: String? = nil,
                key: String) {
        self.name = name
        self.address = address
        self.port = port
        self.user = user
        self.labels = labels
        self.jump = jump
        self.key = key
    }
}

/// The spellings the inventory accepts for what goes on an `ssh` command line.
enum HostName {
    /// An inventory name: `^[a-z0-9][a-z0-9._-]*$`, like a step id.
    static func isValidName(_ text: String) -> Bool {
        Slug.isValidStepID(text)
    }

    /// A DNS name or an IPv4/IPv6 address: letters, digits, `.`, `-`, `:`, not starting with `-`.
    static func isValidAddress(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first != "-", text.utf8.count <= 253 else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || ".-:".unicodeScalars.contains($0) }
    }

    /// A POSIX user name: `^[a-z_][a-z0-9_.-]*$`.
    static func isValidUser(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) || first == "_", text.count <= 32 else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0) }
    }
}
