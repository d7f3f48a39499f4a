import Foundation
import Runbooks

/// The keys a host offers, fetched with `ssh-keyscan`, as lines for `config/known_hosts` under the host's inventory
/// name, with their fingerprints for a person to compare with what the host's owner sees (`ssh-keygen -lf`).
///
/// It trusts nothing and writes nothing: trusting a host is a reviewed commit of the lines it prints.
public struct HostKeyScan: Sendable {
    /// `NAME KEY-TYPE BASE64`, one per key.
    public var lines: [String]
    /// `256 SHA256:… NAME (ED25519)`, one per key.
    public var fingerprints: [String]

    /// Scans `host` at its address and port; throws when it offers no key in `timeout`.
    public static func scan(_ host: InventoryHost, timeout: Duration = .seconds(5)) async throws -> HostKeyScan {
        let seconds = String(max(1, timeout.components.seconds))
        let scanned = try await output(of: "/usr/bin/ssh-keyscan", ["-p", String(host.port), "-T", seconds, "--", host.address], timeout: timeout)
        let lines = scanned.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count >= 3, !line.hasPrefix("#") else { return nil }
            return ([host.name] + fields[1...2].map(String.init)).joined(separator: " ")
        }
        guard !lines.isEmpty else {
            throw StepLaunchError(executable: "ssh-keyscan", reason: "\(host.address):\(host.port) offered no host key within \(seconds)s")
        }
        let listed = try await output(of: "/usr/bin/ssh-keygen", ["-l", "-f", "-"], input: lines.joined(separator: "\n") + "\n",
                                      timeout: timeout)
        return HostKeyScan(lines: lines, fingerprints: listed.split(separator: "\n").map(String.init))
    }

    /// Runs a program to its end and returns its output without the log's time prefixes.
    private static func output(of program: String, _ arguments: [String], input: String? = nil, timeout: Duration) async throws -> String {
        var command = StepCommand(executable: program, arguments: arguments, environment: ["PATH": Interpreter.searchPath, "LANG": "C.UTF-8"],
                                  workingDirectory: "/")
        command.input = input.map { Array($0.utf8) }
        command.endsInputWhenWritten = true
        let outcome = try await StepProcess.run(command, limits: StepLimits(timeout: timeout + .seconds(2), gracePeriod: .seconds(1)))
        let text = outcome.log.split(separator: "\n").map { $0.dropFirst(12) }.filter { !$0.hasPrefix("[runbook]") }.joined(separator: "\n")
        guard outcome.succeeded || !text.isEmpty else {
            throw StepLaunchError(executable: program, reason: "ended with \(outcome.termination) and printed nothing")
        }
        return text
    }
}
