import ArgumentParser
import Executor
import Foundation
import Runbooks

/// `runbook hosts`: the inventory remote steps run on (`config/inventory.yaml`, `config/known_hosts` in the wiki).
struct HostsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hosts",
        abstract: "List the wiki's inventory, check that its hosts can be reached, and fetch a host's key to pin.",
        subcommands: [List.self, Check.self, Trust.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the inventory's hosts at the wiki's current commit.")
        @OptionGroup var wikiOptions: WikiOptions

        func run() throws {
            let inventory = try HostsCommand.inventory(wikiOptions)
            let rows = inventory.hosts(named: nil).map { host in
                [host.name, "\(host.user)@\(host.address):\(host.port)", host.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: ","), host.jump ?? "-", host.key, inventory.knownHosts.pinned[host.name] == nil ? "no" : "yes"]
            }
            Console.out(TextTable.columns([["NAME", "CONNECTS TO", "LABELS", "JUMP", "KEY SECRET", "PINNED"]] + rows))
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect to hosts as a step would and say which are reachable; exit 1 if any is not.",
            discussion: "Verdicts: reachable, key mismatch, no pinned key, auth refused, timeout, connection refused, failed.")
        @OptionGroup var wikiOptions: WikiOptions
        @Argument(help: ArgumentHelp("A host name or a selector such as role=db,env=prod (default: every host).", valueName: "name|selector"))
        var target: String?
        @Option(help: ArgumentHelp("Seconds to wait for each connection.", valueName: "seconds")) var timeout = 10

        func run() async throws {
            let inventory = try HostsCommand.inventory(wikiOptions)
            let hosts = try HostsCommand.hosts(target, in: inventory)
            Console.note("checking \(hosts.count) host\(hosts.count == 1 ? "" : "s")…")
            let results = try await HostCheck.check(hosts, inventory: inventory, dataDirectory: DataDirectory.current.path,
                                                    timeout: .seconds(timeout))
            Console.out(TextTable.columns([["HOST", "VERDICT", "SECONDS", "DETAIL"]]
                + results.map { [$0.host, $0.verdict.rawValue, String(format: "%.2f", $0.seconds), $0.detail] }))
            if results.contains(where: { $0.verdict != .reachable }) { throw ExitCode(1) }
        }
    }

    struct Trust: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch a host's keys with ssh-keyscan; print their fingerprints and the lines to commit. Writes nothing.",
            discussion: """
                Compare the fingerprints with the host's own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on it), \
                then add the lines to config/known_hosts in the wiki and commit: trusting a host is a reviewed change.
                """)
        @OptionGroup var wikiOptions: WikiOptions
        @Argument(help: "The inventory host.") var name: String

        func run() async throws {
            let inventory = try HostsCommand.inventory(wikiOptions)
            guard let host = inventory.hosts[name] else { throw CLIError("no host '\(name)' in \(Inventory.path)") }
            if host.jump != nil { Console.note("\(name) is reached through \(host.jump!); ssh-keyscan connects to \(host.address) directly") }
            Console.note("fetching the keys of \(host.address):\(host.port)…")
            let scan = try await HostKeyScan.scan(host)
            Console.note("fingerprints (compare them with the host's own before you commit):")
            scan.fingerprints.forEach { Console.note("  " + $0) }
            Console.note("lines for \(Inventory.knownHostsPath):")
            scan.lines.forEach { Console.out($0) }
        }
    }

    /// The inventory at the wiki's current commit (what steps use), with a note when its files have errors.
    static func inventory(_ options: WikiOptions) throws -> Inventory {
        let library = try options.library()
        let errors = library.inventoryDiagnostics.filter { $0.severity == .error }.count
        if errors > 0 { Console.note("\(errors) error\(errors == 1 ? "" : "s") in the inventory; hosts with errors are left out (run runbook lint)") }
        return library.inventory
    }

    static func hosts(_ target: String?, in inventory: Inventory) throws -> [InventoryHost] {
        let hosts = inventory.hosts(named: target)
        guard !hosts.isEmpty else {
            throw CLIError(target.map { "no host or label selector matches '\($0)' in \(Inventory.path)" } ?? "\(Inventory.path) lists no hosts")
        }
        return hosts
    }
}
