/// The hosts remote steps may run on and their pinned keys, as the wiki holds them at one commit.
///
/// A step names hosts only through the inventory: `host=db1` or `host=${HOST}` must be an inventory name, and
/// `hosts=role=db` selects inventory hosts by label. An alert label can therefore choose among the hosts a
/// reviewed commit listed, never name an address of its own.
public struct Inventory: Sendable, Equatable {
    /// The hosts, by inventory name.
    public var hosts: [String: InventoryHost]
    /// `config/known_hosts`: one line per pinned key, under the inventory name (`db1 ssh-ed25519 AAAA…`).
    public var knownHosts: KnownHosts

    /// The inventory's file in the wiki.
    public static let path = "config/inventory.yaml"
    /// The pinned host keys' file in the wiki.
    public static let knownHostsPath = "config/known_hosts"
    /// An inventory with no hosts: every remote step is refused.
    public static let empty = Inventory(hosts: [:], knownHosts: KnownHosts(text: ""))

    public init(hosts: [String: InventoryHost], knownHosts: KnownHosts) {
        self.hosts = hosts
        self.knownHosts = knownHosts
    }

    /// The hosts `selector` matches, by name.
    public func hosts(matching selector: HostSelector) -> [InventoryHost] {
        hosts.values.filter(selector.matches).sorted { $0.name < $1.name }
    }

    /// The hosts a `runbook hosts` argument names: an inventory name, a selector, or everything for `nil`.
    public func hosts(named nameOrSelector: String?) -> [InventoryHost] {
        guard let nameOrSelector else { return hosts.values.sorted { $0.name < $1.name } }
        if let host = hosts[nameOrSelector] { return [host] }
        return HostSelector(parsing: nameOrSelector).map(hosts(matching:)) ?? []
    }
}
