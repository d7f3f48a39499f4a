import Foundation
import Runbooks
import Testing

/// `config/inventory.yaml` and `config/known_hosts` as lint reads them: every mistake at its line, and nothing that
/// could reach the ssh command line as an option or a second word.
@Suite("Inventory")
struct InventoryTests {
    static let pinned = "db1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample\ndb2 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample\n"

    @Test("a clean inventory loads with its defaults, labels and jumps")
    func clean() {
        let text = """
            defaults: { user: ops, port: 2222 }
            hosts:
              db1: { address: 10.0.0.5, labels: { role: db, env: prod } }
              db2: { address: db2.internal, port: 22, user: postgres, jump: db1, key: db-key, labels: { role: db } }
            """
        let (inventory, diagnostics) = Inventory.load(inventory: text, knownHosts: Self.pinned)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(inventory.hosts["db1"] == InventoryHost(name: "db1", address: "10.0.0.5", port: 2222, user: "ops",
                                                        labels: ["role": "db", "env": "prod"], key: "ssh-key"))
        #expect(inventory.hosts["db2"]?.jump == "db1" && inventory.hosts["db2"]?.key == "db-key" && inventory.hosts["db2"]?.port == 22)
        #expect(inventory.hosts(matching: HostSelector(parsing: "role=db,env=prod")!).map(\.name) == ["db1"])
        #expect(inventory.hosts(named: "role=db").map(\.name) == ["db1", "db2"])
    }

    @Test("values that could become ssh options or words are errors at their line, and the host is left out")
    func hostileValues() {
        let text = """
            defaults: { user: ops }
            hosts:
              db1: { address: -oProxyCommand=touch }
              db2: { address: "db2 -p 1" }
              db3: { address: db3, user: "root -i x" }
              db4: { address: db4, port: 70000 }
              DB5: { address: db5 }
              db6: { address: db6, jump: nowhere }
              db7: { addres: db7 }
              db8: { address: db8, key: ../../etc/shadow }
            """
        let (inventory, diagnostics) = Inventory.load(inventory: text, knownHosts: "")
        let errors = diagnostics.filter { $0.severity == .error }.map { "\($0.line): \($0.message)" }
        #expect(errors.contains { $0.hasPrefix("3: hosts.db1.address: '-oProxyCommand=touch' is not a DNS name") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("4: hosts.db2.address") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("5: hosts.db3.user: 'root -i x' is not a user name") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("6: hosts.db4.port: 70000 is not a port") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("7: hosts.DB5: invalid host name") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("8: hosts.db6.jump: no host 'nowhere'") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("9: hosts.db7: unknown key 'addres'") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("10: hosts.db8.key: '../../etc/shadow' is not a secret name") }, "\(errors)")
        #expect(Set(inventory.hosts.keys) == ["db6"], "only the host whose only fault is a reference loads")
    }

    @Test("known_hosts: a host without a pinned key, a key for no host, and a malformed line")
    func knownHosts() {
        let text = "hosts:\n  db1: { address: db1, user: ops }\n  db2: { address: db2, user: ops }\n"
        let pins = "# pinned\ndb1 ssh-ed25519 AAAA\nghost ssh-ed25519 AAAA\nbroken-line\n"
        let (inventory, diagnostics) = Inventory.load(inventory: text, knownHosts: pins)
        let lines = diagnostics.map { "\($0.file):\($0.line): \($0.severity.rawValue): \($0.message)" }
        #expect(lines.contains { $0.hasPrefix("config/known_hosts:3: warning: 'ghost' is not an inventory host") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("config/known_hosts:4: error: expected NAME KEY-TYPE BASE64-KEY") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("config/inventory.yaml:3: warning: host 'db2' has no key") }, "\(lines)")
        #expect(inventory.knownHosts.pinned["db1"]?.types == ["ssh-ed25519"])
    }

    @Test("steps: host= must be an inventory name or a validated parameter; hosts= warns when it selects nothing")
    func steps() throws {
        let page = """
            ---
            params:
              FREE: { from: labels.instance }
              CHECKED: { from: labels.instance, pattern: '^db[0-9]$' }
              PASS: { from: secret.db-pass, pattern: '^.+$' }
            ---
            # Hosts

            ```sh {host=db1}
            true
            ```

            ```sh {host=db9}
            true
            ```

            ```sh {host=${CHECKED}}
            true
            ```

            ```sh {host=${FREE}}
            true
            ```

            ```sh {host=${PASS}}
            true
            ```

            ```sh {host=${MISSING}}
            true
            ```

            ```sh {host=10.0.0.5}
            true
            ```

            ```sh {hosts=role=web,env=prod}
            true
            ```

            ```sh {hosts="role=web" tolerate=1}
            true
            ```
            """
        let parsed = RunbookParser.parse(Data(page.utf8), path: "runbooks/hosts.md")
        let messages = parsed.diagnostics.map { "\($0.line): \($0.message)" }
        #expect(messages.contains { $0.hasPrefix("21: host=${FREE}: give parameter FREE a pattern") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("25: host=${PASS}: PASS is a secret") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("29: host=${MISSING}: no parameter MISSING") }, "\(messages)")
        #expect(!messages.contains { $0.hasPrefix("33:") }, "an address is a well-formed name; the inventory check refuses it")
        #expect(messages.contains { $0.hasPrefix("37: unknown fence attribute 'env'") && $0.contains("quote a selector") }, "\(messages)")

        let fixed = page.replacingOccurrences(of: "host=${FREE}", with: "host=${CHECKED}").replacingOccurrences(of: "host=${PASS}", with: "host=db1")
            .replacingOccurrences(of: "host=${MISSING}", with: "host=db1")
            .replacingOccurrences(of: "hosts=role=web,env=prod", with: "hosts=\"role=web,env=prod\"")
        let runbook = try #require(RunbookParser.parse(Data(fixed.utf8), path: "runbooks/hosts.md").runbook)
        let (inventory, _) = Inventory.load(inventory: "hosts:\n  db1: { address: db1, user: ops, labels: { role: db } }\n", knownHosts: "")
        let findings = inventory.check([runbook]).map { "\($0.line): \($0.severity.rawValue): \($0.message)" }
        #expect(findings.contains { $0.hasPrefix("13: error: host=db9: no host 'db9' in config/inventory.yaml (known: db1)") }, "\(findings)")
        #expect(findings.contains { $0.hasPrefix("33: error: host=10.0.0.5: no host '10.0.0.5'") }, "\(findings)")
        #expect(findings.contains { $0.hasPrefix("37: warning: hosts=env=prod,role=web: no inventory host has these labels") }, "\(findings)")
        #expect(runbook.steps.last?.target == .hosts(HostSelector(parsing: "role=web")!) && runbook.steps.last?.tolerate == 1)
    }
}
