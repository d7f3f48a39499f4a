import Executor
import Foundation
import HTTPTypes
import ITIL
import Runbooks
import RunbookServer
import SSHTestSupport
import TestReceivers
import Testing
import Wiki

/// Copies of the audit branch on real git servers started by the tests: `git daemon`, and a bare repository over
/// the sshd of the remote-steps tests.
@Suite struct AuditReplicationTests {
    /// Settings with `remotes` and a short backoff, so a test sees retries in well under a second.
    static func settings(_ remotes: [String]) throws -> ServerSettings {
        var settings = ServerSettings()
        settings.auditRemotes = try remotes.map { try AuditRemote(parsing: $0) }
        settings.auditRemoteBackoff = .milliseconds(100)
        settings.auditRemoteLongestBackoff = .milliseconds(400)
        return settings
    }

    /// A bare repository to push to.
    static func bareRepository(_ path: String) throws -> Repository {
        try Repository.create(at: path, bare: true)
    }

    static func open(_ sandbox: ServerSandbox, _ key: String) async throws {
        _ = try await sandbox.store.open(
            IncidentRequest(shortDescription: "Disk almost full on \(key)", severity: "warning", labels: ["instance": key],
                            alert: AlertKey(source: "test", key: key)),
            actor: "alertmanager")
    }

    static func state(_ sandbox: ServerSandbox, _ name: String) -> AuditRemoteState? {
        AuditRemoteState.all(inDataDirectory: sandbox.dataDirectory).first { $0.name == name }
    }

    /// `runbook_audit_remote_<name>{remote="…"}` as `/metrics` shows it.
    static func metric(_ text: String, _ name: String, remote: String) -> Double? {
        let prefix = "runbook_audit_remote_\(name){remote=\"\(remote)\"} "
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) }
    }

    @Test("every batch is pushed to a git daemon; while it is down the lag shows, and it catches up when it is back")
    func gitDaemonDownThenUp() async throws {
        // Each test's daemon on an address of its own: a port found free here may be another test's by the time it binds.
        let port = try SSHHosts.freePort(on: "127.0.0.11")
        let sandbox = try ServerSandbox(settings: Self.settings(["backup=git://127.0.0.11:\(port)/backup.git"]))
        let remote = try Self.bareRepository(sandbox.path + "/remotes/backup.git")
        try await sandbox.test { client in
            try await Self.open(sandbox, "db1")
            try await Self.open(sandbox, "db2")
            // Nothing listens yet: the pushes fail, are retried, and say why.
            #expect(try await eventually { Self.state(sandbox, "backup")?.lastError?.contains("127.0.0.11") == true })
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: sandbox.auth(.viewer)).text
            #expect(Self.metric(metrics, "lag_commits", remote: "backup") == 2, "\(metrics)")
            #expect(try remote.branchHead("audit") == nil)

            let daemon = try await GitDaemon(root: sandbox.path + "/remotes", address: "127.0.0.11", port: port)
            defer { daemon.stop() }
            let head = try #require(try sandbox.repository.branchHead("audit"))
            #expect(try await eventually(timeout: .seconds(30)) { try remote.branchHead("audit") == head })
            #expect(try await eventually { Self.state(sandbox, "backup")?.lastError == nil })
            let after = try await client.execute(uri: "/metrics", method: .get, headers: sandbox.auth(.viewer)).text
            #expect(Self.metric(after, "lag_commits", remote: "backup") == 0)
            #expect((Self.metric(after, "last_push_timestamp_seconds", remote: "backup") ?? 0) > 0)

            // The next batch follows on its own.
            try await Self.open(sandbox, "db3")
            let next = try #require(try sandbox.repository.branchHead("audit"))
            #expect(try await eventually(timeout: .seconds(30)) { try remote.branchHead("audit") == next })
        }
    }

    @Test("a remote whose branch was rewritten refuses the push: reported as an incident and a gauge, never overwritten")
    func rewrittenRemoteIsReportedNotOverwritten() async throws {
        let port = try SSHHosts.freePort(on: "127.0.0.12")
        let sandbox = try ServerSandbox(settings: Self.settings(["backup=git://127.0.0.12:\(port)/backup.git"]))
        let remote = try Self.bareRepository(sandbox.path + "/remotes/backup.git")
        let daemon = try await GitDaemon(root: sandbox.path + "/remotes", address: "127.0.0.12", port: port)
        defer { daemon.stop() }
        try await sandbox.test { client in
            try await Self.open(sandbox, "db1")
            let first = try #require(try sandbox.repository.branchHead("audit"))
            #expect(try await eventually(timeout: .seconds(30)) { try remote.branchHead("audit") == first })
            // Someone rewrites the remote's copy: one commit with the same tree and no history.
            let forged = try remote.writeCommit(changes: [], parent: nil, author: Signature(name: "mallory", email: "m@example.com"),
                                                message: "INC0000001: opened by nobody")
            try remote.moveBranch("audit", to: forged, expected: first)

            try await Self.open(sandbox, "db2")
            let alerted = try await eventually(timeout: .seconds(30)) {
                sandbox.store.incidents().contains { $0.labels["alertname"] == "AuditRemoteRejected" && $0.labels["remote"] == "backup" }
            }
            #expect(alerted, "the refused push opens an incident, which pages")
            #expect(try remote.branchHead("audit") == forged, "never forced")
            #expect(Self.state(sandbox, "backup")?.rejected == true)
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: sandbox.auth(.viewer)).text
            #expect(Self.metric(metrics, "rejected", remote: "backup") == 1)

            // `audit verify --remote backup`: the fetched copy is an anchor our history does not contain.
            let transport = try AuditRemoteTransport(
                remote: AuditRemote(name: "backup", url: "git://127.0.0.12:\(port)/backup.git"), gitDirectory: sandbox.repository.gitDirectory,
                inventory: .empty, dataDirectory: sandbox.dataDirectory)
            #expect(try await transport.fetch(branch: "audit", into: "refs/runbook/remotes/backup/audit"))
            let fetched = try sandbox.repository.resolve("refs/runbook/remotes/backup/audit")
            #expect(fetched == forged)
            let report = try AuditVerifier(repository: sandbox.repository,
                                           anchors: [AuditAnchorReading(name: "remote backup", commit: fetched, time: nil)]).verify()
            #expect(report.failure?.problem == .copyDiffers(branch: "audit", anchors: ["remote backup"], head: forged),
                    "\(String(describing: report.failure))")
            #expect(report.failure?.commit == nil, "no commit here is the bad one")

            // Someone puts the copy right: the next push (at the longest backoff) is taken, and the incident says so.
            try remote.moveBranch("audit", to: first, expected: forged)
            let incident = try #require(sandbox.store.incidents().first { $0.labels["alertname"] == "AuditRemoteRejected" })
            #expect(try await eventually(timeout: .seconds(30)) {
                (try? sandbox.store.incident(incident.number))?.workNotes.contains { $0.text.contains("audit remote backup accepts pushes again") } == true
            })
            #expect(try await eventually(timeout: .seconds(30)) { try remote.branchHead("audit") == sandbox.repository.branchHead("audit") })
        }
    }

    @Test("an HTTP remote gets the token of the secret audit-remote-NAME, as basic authentication, and nothing without it")
    func httpRemoteWithAToken() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("git-http-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let remote = try Self.bareRepository(root + "/backup.git")
        let expected = "Basic " + Data("runbook:s3cret".utf8).base64EncodedString()
        let server = try await ScriptServer.start(script: gitHTTPBackendScript, arguments: [expected, root])
        defer { server.stop() }
        let sandbox = try ServerSandbox(settings: Self.settings(["vault=http://127.0.0.1:\(server.port)/backup.git"]))
        try await sandbox.test { _ in
            try await Self.open(sandbox, "db1")
            // No secret yet: refused, and git does not wait for a password.
            #expect(try await eventually { Self.state(sandbox, "vault")?.lastError?.contains("set the secret audit-remote-vault") == true },
                    "\(String(describing: Self.state(sandbox, "vault")?.lastError))")
            try SecretStore(dataDirectory: sandbox.dataDirectory).set("audit-remote-vault", to: Data("s3cret\n".utf8))
            let head = try #require(try sandbox.repository.branchHead("audit"))
            #expect(try await eventually(timeout: .seconds(30)) { try remote.branchHead("audit") == head })
            let sent = try String(contentsOf: server.directory.appendingPathComponent("authorizations.txt"), encoding: .utf8)
            #expect(sent.contains(expected))
        }
    }

    @Test("an SSH remote is reached as an inventory host, with its pinned host key and its key from the secrets")
    func sshRemote() async throws {
        let sshd = try await SSHHosts(addresses: ["127.0.0.2"])
        let inventory = "defaults: { user: \(NSUserName()), port: \(sshd.port) }\nhosts:\n  backup-host: { address: 127.0.0.2 }\n"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-remote-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let remote = try Self.bareRepository(path + "/backup.git")
        let sandbox = try ServerSandbox(
            files: [Inventory.path: inventory, Inventory.knownHostsPath: sshd.knownHosts(["backup-host"])],
            settings: Self.settings(["backup=ssh://backup-host\(path)/backup.git", "stray=ssh://elsewhere/srv/audit.git"]))
        try SecretStore(dataDirectory: sandbox.dataDirectory).set("ssh-key", to: Data(sshd.clientKey.utf8))
        try await sandbox.test { _ in
            try await Self.open(sandbox, "db1")
            let head = try #require(try sandbox.repository.branchHead("audit"))
            #expect(try await eventually(timeout: .seconds(20)) { try remote.branchHead("audit") == head })
            #expect(sshd.log.contains("Accepted publickey"))
            // A host that is not in the inventory is not reached at all: its key could not be pinned.
            #expect(try await eventually {
                Self.state(sandbox, "stray")?.lastError?.contains("'elsewhere' is not a host of config/inventory.yaml") == true
            })
        }
    }
}

/// `git daemon` serving the bare repositories under `root`, pushes allowed; stopped by ``stop()``.
final class GitDaemon: Sendable {
    private let process: Process

    /// A daemon as a child process (not `--detach`, whose errors go to syslog), its log in `root/git-daemon.log`.
    ///
    /// One that exits before it listens (its port briefly taken) is started again until the deadline.
    init(root: String, address: String, port: Int) async throws {
        let log = root + "/git-daemon.log"
        let deadline = ContinuousClock.now + .seconds(20)
        var process = try Self.start(root: root, address: address, port: port, log: log)
        while !Self.accepts(address: address, port: port) {
            guard ContinuousClock.now < deadline else {
                kill(process.processIdentifier, SIGKILL)
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw GitDaemonError(log: "git daemon did not listen on \(address):\(port) in 20 s; its log: \(text)")
            }
            try await Task.sleep(for: .milliseconds(20))
            if !process.isRunning { process = try Self.start(root: root, address: address, port: port, log: log) }
        }
        self.process = process
    }

    private static func start(root: String, address: String, port: Int, log: String) throws -> Process {
        if !FileManager.default.fileExists(atPath: log) { FileManager.default.createFile(atPath: log, contents: nil) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? output.close() }  // the daemon keeps its own copy
        output.seekToEndOfFile()
        let process = Process()
        // git-daemon itself, not `git daemon`: the `git` wrapper would stay behind when the daemon is killed.
        process.executableURL = URL(fileURLWithPath: "/usr/lib/git-core/git-daemon")
        process.arguments = [
            "--reuseaddr", "--export-all", "--enable=receive-pack", "--base-path=\(root)", "--listen=\(address)", "--port=\(port)",
            "--verbose", root,
        ]
        process.standardError = output
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Whether something accepts TCP connections at `address`:`port`.
    private static func accepts(address: String, port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = UInt16(port).bigEndian
        socketAddress.sin_addr.s_addr = inet_addr(address)
        return withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// SIGKILL: started from the test process, the daemon did not stop on SIGTERM (Foundation's `Process` passes on the
    /// spawning thread's blocked signals), and the waiting test hung.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
    }

    struct GitDaemonError: Error {
        let log: String
    }
}
