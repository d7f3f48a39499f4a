import Executor
import Foundation

/// A real OpenSSH server (Debian's `openssh-server`) started for one test, listening on loopback addresses that
/// stand for separate hosts (127.0.0.2, 127.0.0.3, …), with host and client keys of its own; stopped on deinit.
///
/// It runs as the user running the tests and accepts only the test's client key. Programs are started with the
/// executor's own `StepProcess`, not Foundation's `Process`: in a process that is a child subreaper and reaps its
/// steps itself, `Process.waitUntilExit` was seen to wait forever for a child that had exited. Every session's shell is that
/// user's, so a remote step can write its evidence into the sandbox like a local one; `$SSH_CONNECTION` tells
/// which address it came in on.
public final class SSHHosts: @unchecked Sendable {
    public let directory: String
    public let port: Int
    public let addresses: [String]
    /// The client's private key, to store as the inventory's `ssh-key` secret.
    public let clientKey: String
    /// `ssh-ed25519 AAAA…` of the server's host key.
    public let hostKey: String
    public init(addresses: [String] = ["127.0.0.2", "127.0.0.3"]) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sshd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.addresses = addresses
        try await Self.keygen(directory + "/host_key")
        try await Self.keygen(directory + "/client_key")
        clientKey = try String(contentsOfFile: directory + "/client_key", encoding: .utf8)
        hostKey = try String(contentsOfFile: directory + "/host_key.pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        try FileManager.default.copyItem(atPath: directory + "/client_key.pub", toPath: directory + "/authorized_keys")
        port = try Self.freePort(on: addresses[0])
        let config = (["Port \(port)"] + addresses.map { "ListenAddress \($0)" } + [
            "HostKey \(directory)/host_key", "AuthorizedKeysFile \(directory)/authorized_keys", "PasswordAuthentication no",
            "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no", "PidFile \(directory)/sshd.pid", "PermitRootLogin prohibit-password",
            "LogLevel VERBOSE", "MaxStartups 100", "MaxSessions 50",
        ]).joined(separator: "\n") + "\n"
        try config.write(toFile: directory + "/sshd_config", atomically: true, encoding: .utf8)
        // sshd run as root wants its privilege separation folder.
        if getuid() == 0 { try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true) }
        // Without -D sshd detaches once it listens. The shell waits for the pid file, which the detached sshd writes
        // after it left this process group: when the shell exits and its group is killed, sshd is out of reach.
        // (A poll: there is no inotify tool on a stock Debian to wait for the file with.)
        let start = "/usr/sbin/sshd -f \"$1/sshd_config\" -E \"$1/sshd.log\" || exit 1; "
            + "for i in $(seq 200); do [ -s \"$1/sshd.pid\" ] && exit 0; sleep 0.05; done; exit 1"
        let started = try await Self.run("/bin/sh", ["-c", start, "sh", directory])
        // sshd writes its pid file once it listens, so a started sshd accepts connections at once.
        guard started.succeeded else { throw SSHHostsError("sshd did not start: \(started.log) \(log)") }
    }

    deinit {
        if let text = try? String(contentsOfFile: directory + "/sshd.pid", encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGTERM)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `config/known_hosts` pinning the server's key under each name.
    public func knownHosts(_ names: [String]) -> String {
        names.map { "\($0) \(hostKey)\n" }.joined()
    }

    /// The server's log: one `Accepted publickey` line per connection.
    public var log: String {
        (try? String(contentsOfFile: directory + "/sshd.log", encoding: .utf8)) ?? ""
    }

    private static func keygen(_ path: String) async throws {
        let outcome = try await run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path])
        guard outcome.succeeded else { throw SSHHostsError("ssh-keygen failed for \(path): \(outcome.log)") }
    }

    /// Runs a program to its end.
    public static func run(_ program: String, _ arguments: [String]) async throws -> StepOutcome {
        try await StepProcess.run(StepCommand(executable: program, arguments: arguments, environment: ["PATH": "/usr/sbin:/usr/bin:/bin"], workingDirectory: "/"),
                                  limits: StepLimits(timeout: .seconds(30), outputCap: 64 << 20))
    }

    /// A port nothing listens on at `address` now.
    public static func freePort(on address: String) throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var socketAddress = sockaddr_in(address, port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw SSHHostsError("cannot bind \(address): errno \(errno)") }
        return Int(UInt16(bigEndian: socketAddress.sin_port))
    }
}

struct SSHHostsError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension sockaddr_in {
    init(_ address: String, port: Int) {
        self.init()
        sin_family = sa_family_t(AF_INET)
        sin_port = UInt16(port).bigEndian
        sin_addr.s_addr = inet_addr(address)
    }
}
