import Executor
import Foundation
import ITIL
import Runbooks
import SSHTestSupport
import Testing
import Wiki

/// Steps on inventory hosts, against a real sshd on loopback addresses: where they run, what reaches them, what is
/// refused, and what is left on the host when they are stopped.
@Suite("Remote steps over ssh", .serialized, .timeLimit(.minutes(2)))
struct RemoteStepTests {
    /// A sandbox whose wiki lists `hosts` (name → address, all labelled role=web) in its inventory, with the server's
    /// key pinned (or `knownHosts` instead), and whose data directory holds the client key as secret `ssh-key`.
    struct Fleet {
        let sandbox: ExecutorSandbox
        let sshd: SSHHosts
        let files: [String: String]

        init(hosts: [String: String] = ["web1": "127.0.0.2", "web2": "127.0.0.3"], knownHosts: String? = nil,
             jumps: [String: String] = [:]) async throws {
            sandbox = try ExecutorSandbox()
            // Connections left for the next step close 20 s after the test, with the sessions sshd keeps for them: long
            // enough that a loaded machine's gap between two steps does not close one (2 s did, once, in CI).
            sandbox.settings.connectionPersist = .seconds(20)
            sshd = try await SSHHosts()
            var inventory = "defaults: { user: \(NSUserName()), port: \(sshd.port) }\nhosts:\n"
            for (name, address) in hosts.sorted(by: { $0.key < $1.key }) {
                let jump = jumps[name].map { ", jump: \($0)" } ?? ""
                inventory += "  \(name): { address: \(address), labels: { role: web }\(jump) }\n"
            }
            files = [Inventory.path: inventory, Inventory.knownHostsPath: knownHosts ?? sshd.knownHosts(hosts.keys.sorted())]
            try SecretStore(dataDirectory: sandbox.settings.dataDirectory!).set("ssh-key", to: Data(sshd.clientKey.utf8))
        }

        /// The same hosts with other pinned keys.
        init(copying fleet: Fleet, knownHosts: String) {
            sandbox = fleet.sandbox
            sshd = fleet.sshd
            files = fleet.files.merging([Inventory.knownHostsPath: knownHosts]) { $1 }
        }

        /// Triggers `alert` against `runbook`, with the inventory committed beside it.
        func run(_ runbook: String, labels: [String: String] = [:], annotations: [String: String] = [:],
                 progress: @escaping @Sendable (RunProgress) -> Void = { _ in }) async throws -> (incident: Incident, run: Run) {
            let library = try sandbox.library(["remote": runbook], files: files)
            let result = try await sandbox.launcher.trigger(
                AlertTrigger(labels: ["alertname": "Test"].merging(labels) { $1 }, annotations: annotations), library: library,
                actor: "alertmanager", progress: progress)
            guard case .ran(let incident, let run) = result else { throw ExecutorSandbox.SandboxError.noRun }
            return (incident, run)
        }
    }

    @Test("host=NAME and host=${PARAM} run the step on that inventory host, over one reused connection")
    func namedHosts() async throws {
        let fleet = try await Fleet()
        let out = fleet.sandbox.out
        let runbook = page(front: "params:\n  TARGET: { from: labels.target, pattern: '^web[0-9]+$', required: true }", steps: [
            ("host=web1", "echo \"$SSH_CONNECTION $RUNBOOK_HOST\" > '\(out("first"))'"),
            ("host=web1", "echo again > '\(out("again"))'"),
            ("host=${TARGET}", "echo \"$SSH_CONNECTION $RUNBOOK_HOST\" > '\(out("chosen"))'"),
        ])
        let (_, run) = try await fleet.run(runbook, labels: ["target": "web2"])

        #expect(run.state == .succeeded, "\(run.outcome ?? "")")
        #expect(fleet.sandbox.text("first")?.contains(" 127.0.0.2 \(fleet.sshd.port) web1") == true, "\(fleet.sandbox.text("first") ?? "none")")
        #expect(fleet.sandbox.text("chosen")?.contains(" 127.0.0.3 \(fleet.sshd.port) web2") == true, "\(fleet.sandbox.text("chosen") ?? "none")")
        #expect(run.steps.map(\.host) == ["web1", "web1", "web2"])
        // Two steps on web1, one login: the second went over the first one's connection.
        let logins = fleet.sshd.log.components(separatedBy: "Accepted publickey").count - 1
        #expect(logins == 2, "sshd saw \(logins) logins for 3 steps on 2 hosts:\n\(fleet.sshd.log)")
    }

    @Test("hostile parameter values arrive byte-exact on the host and never run there as commands")
    func hostileValuesRemotely() async throws {
        let fleet = try await Fleet()
        let values = RunParameterTests.hostileValues(fleet.sandbox)
        // Annotations: they take values of any size (labels stop at 4096 characters).
        var front = "params:\n"
        var annotations: [String: String] = [:]
        var script = ""
        for item in values {
            let name = "V_\(item.name.uppercased())"
            front += "  \(name): { from: annotations.\(item.name), required: true }\n"
            annotations[item.name] = item.value
            script += "printf '%s' \"$\(name)\" > '\(fleet.sandbox.out("value-" + item.name))'\n"
        }
        let (_, run) = try await fleet.run(page(front: front, steps: [("host=web1", script)]), annotations: annotations)

        #expect(run.state == .succeeded, "\(run.outcome ?? "")")
        for item in values {
            let written = try Data(contentsOf: URL(fileURLWithPath: fleet.sandbox.out("value-" + item.name)))
            #expect(written == Data(item.value.utf8), "\(item.name) did not arrive byte-exact")
        }
        let canaries = try FileManager.default.contentsOfDirectory(atPath: fleet.sandbox.path + "/out").filter { $0.hasPrefix("canary") }
        #expect(canaries.isEmpty)
    }

    @Test("a label can choose among inventory hosts but never name an address; NUL and 1 MB values are refused")
    func labelsCannotNameAddresses() async throws {
        let fleet = try await Fleet()
        let runbook = page(front: "params:\n  TARGET: { from: labels.target, pattern: '^[a-z0-9.]+$', required: true }",
                           steps: [("host=${TARGET}", "touch '\(fleet.sandbox.out("canary-address"))'")])
        let (incident, run) = try await fleet.run(runbook, labels: ["target": "127.0.0.2"])

        #expect(run.state == .failed)
        #expect(run.steps[0].exitCode == nil && run.steps[0].connectionFailed == nil)
        #expect(!fleet.sandbox.exists("canary-address"))
        #expect(notes(of: incident).last?.contains("could not start") == true, "\(notes(of: incident))")

        let big = page(alert: "Big", front: "params:\n  V: { from: annotations.v, required: true }",
                       steps: [("host=web1", "touch '\(fleet.sandbox.out("canary-big"))'")])
        let library = try fleet.sandbox.library(["big": big], files: fleet.files)
        for value in [String(repeating: "x", count: 1 << 20), "web1\u{0}; touch canary"] {
            let result = try await fleet.sandbox.launcher.trigger(AlertTrigger(labels: ["alertname": "Big"], annotations: ["v": value]), library: library,
                                                                  actor: "test")
            if case .ran(_, let refused) = result { #expect(refused.state == .refused) }
        }
        #expect(!fleet.sandbox.exists("canary-big"))
    }

    @Test("hosts= fans out: each host recorded with its own log; one host down fails the step unless tolerated; retries reach it again")
    func fanOut() async throws {
        // web3 is an address where nothing listens: ssh fails there with exit 255.
        let fleet = try await Fleet(hosts: ["web1": "127.0.0.2", "web2": "127.0.0.3", "web3": "127.0.0.4"])
        let runbook = page(steps: [
            ("hosts=role=web tolerate=1 parallel=2", "echo \"on $RUNBOOK_HOST\""),
            ("hosts=role=web retries=1 retry-delay=100ms on-failure=continue", "echo \"again $RUNBOOK_HOST\""),
        ])
        let (_, run) = try await fleet.run(runbook)

        let tolerated = run.steps[0]
        #expect(tolerated.state == .succeeded)
        #expect(tolerated.hosts?.map(\.name) == ["web1", "web2", "web3"])
        #expect(tolerated.hosts?.map(\.state) == [.succeeded, .succeeded, .failed])
        #expect(tolerated.hosts?[2].connectionFailed == true && tolerated.hosts?[2].exitCode == nil)
        let strict = run.steps[1]
        #expect(strict.state == .failed)
        // The retry went only to the host that failed.
        #expect(strict.hosts?.map(\.attempts) == [1, 1, 2])
        let head = try #require(try fleet.sandbox.repository.branchHead("audit"))
        let folder = RunFolder.path(of: run.id) + "/"
        let web1 = try fleet.sandbox.repository.readFile(folder + RunFolder.hostLogName(index: 0, step: "step-1", host: "web1"), at: head)
        let web3 = try fleet.sandbox.repository.readFile(folder + RunFolder.hostLogName(index: 0, step: "step-1", host: "web3"), at: head)
        #expect(String(decoding: web3, as: UTF8.self).contains("Connection refused"))
        #expect(String(decoding: web1, as: UTF8.self).contains("on web1"))
    }

    @Test("a host reached through a jump host (ProxyJump) is pinned and logged into the same way")
    func jumpHost() async throws {
        let fleet = try await Fleet(hosts: ["bastion": "127.0.0.2", "web2": "127.0.0.3"], jumps: ["web2": "bastion"])
        let (_, run) = try await fleet.run(page(steps: [("host=web2", "echo \"$RUNBOOK_HOST\" > '\(fleet.sandbox.out("jumped"))'")]))

        #expect(run.state == .succeeded, "\(run.outcome ?? "")")
        #expect(fleet.sandbox.text("jumped") == "web2\n")
        // One login on the jump host, one on web2 through it.
        let logins = fleet.sshd.log.components(separatedBy: "Accepted publickey").count - 1
        #expect(logins == 2, "\(fleet.sshd.log)")
        #expect(fleet.sshd.log.contains("127.0.0.3"), "the jump host opened a connection to web2")
    }

    @Test("a host whose key does not match the pinned one is refused before anything runs there")
    func keyMismatch() async throws {
        let other = try await SSHHosts()
        let fleet = try await Fleet(hosts: ["web1": "127.0.0.2"], knownHosts: other.knownHosts(["web1"]))
        let (_, run) = try await fleet.run(page(steps: [("host=web1", "touch '\(fleet.sandbox.out("canary-mismatch"))'")]))

        #expect(run.state == .failed)
        #expect(run.steps[0].connectionFailed == true)
        #expect(!fleet.sandbox.exists("canary-mismatch"))
        let log = try fleet.sandbox.repository.readFile(RunFolder.path(of: run.id) + "/" + (run.steps[0].log ?? ""),
                                                        at: #require(try fleet.sandbox.repository.branchHead("audit")))
        #expect(String(decoding: log, as: UTF8.self).contains("Host key verification failed"))
    }

    @Test("hosts check tells reachable, key mismatch, no pinned key and connection refused apart")
    func hostCheck() async throws {
        let other = try await SSHHosts()
        let hosts = ["good": "127.0.0.2", "forged": "127.0.0.2", "unpinned": "127.0.0.3", "down": "127.0.0.4"]
        let fleet0 = try await Fleet(hosts: hosts)
        let pins = fleet0.sshd.knownHosts(["good", "down"]) + other.knownHosts(["forged"])
        let fleet = Fleet(copying: fleet0, knownHosts: pins)
        let inventory = try fleet.sandbox.library(["remote": page(steps: [("", "true")])], files: fleet.files).inventory
        let results = try await HostCheck.check(inventory.hosts(named: nil), inventory: inventory,
                                                dataDirectory: fleet.sandbox.settings.dataDirectory!, timeout: .seconds(5))
        let verdicts = Dictionary(uniqueKeysWithValues: results.map { ($0.host, $0.verdict) })
        #expect(verdicts == ["good": .reachable, "forged": .keyMismatch, "unpinned": .notPinned, "down": .refused], "\(results)")
    }

    @Test("a remote step that times out leaves no process on the host")
    func remoteTimeout() async throws {
        let fleet = try await Fleet()
        let marker = Int.random(in: 40_000...49_999)
        let (_, run) = try await fleet.run(page(steps: [("host=web1 timeout=1s", "sleep \(marker) & sleep \(marker + 1); echo not-reached")]))

        #expect(run.steps[0].state == .timedOut)
        let gone = try await fleet.sandbox.eventually(within: .seconds(10)) { !Self.running("sleep \(marker)") }
        #expect(gone, "the remote sleep outlived its step")
    }

    @Test("a secret given to a step is redacted from its log, the audit branch and the live output, here and on a host")
    func secretsRedacted() async throws {
        let fleet = try await Fleet()
        let secret = "pa55-\(UUID().uuidString)"
        try SecretStore(dataDirectory: fleet.sandbox.settings.dataDirectory!).set("db-pass", to: Data(secret.utf8))
        let lines = LinesHeard()
        let runbook = page(front: "params:\n  PASS: { from: secret.db-pass, required: true }", steps: [
            ("", "echo \"local $PASS\"; echo \"stderr $PASS\" >&2"),
            ("host=web1", "echo \"remote $PASS\"; printf '%s' \"$PASS\" > '\(fleet.sandbox.out("remote-secret"))'"),
        ])
        let (_, run) = try await fleet.run(runbook) { if case .output(_, let line) = $0 { lines.add(line) } }

        #expect(run.state == .succeeded, "\(run.outcome ?? "")")
        #expect(fleet.sandbox.text("remote-secret") == secret, "the step itself gets the value")
        #expect(run.parameters["PASS"] == nil, "a secret is not recorded with the run's parameters")
        // The steps' own lines (not the executor's notes).
        let printed = lines.all.filter { !$0.contains("[runbook]") }
        #expect(printed.count == 3 && printed.allSatisfy { $0.contains("[redacted secret.db-pass]") }, "\(lines.all)")
        #expect(!lines.all.contains { $0.contains(secret) })
        let history = try await SSHHosts.run("/usr/bin/git", ["--git-dir", fleet.sandbox.path + "/wiki.git", "log", "-p", "audit"]).log
        #expect(history.contains("[redacted secret.db-pass]"))
        #expect(!history.contains(secret))
    }

    /// Whether a process whose command line contains `text` runs.
    static func running(_ text: String) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.contains { name in
            guard Int(name) != nil, let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text)
        }
    }
}

/// Lines a run's progress reported, collected from its callback.
final class LinesHeard: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
