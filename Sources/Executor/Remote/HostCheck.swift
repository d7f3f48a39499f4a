import Foundation
import Runbooks

/// What `runbook hosts check` found when it connected to a host the way a step does (same configuration, key and
/// pinned host key), on a fresh connection of its own.
public struct HostCheck: Sendable {
    /// The verdict, one of a few a person can act on.
    public enum Verdict: String, Sendable {
        case reachable
        case keyMismatch = "key mismatch"
        case notPinned = "no pinned key"
        case authRefused = "auth refused"
        case timeout
        case refused = "connection refused"
        case failed
    }

    public var host: String
    public var verdict: Verdict
    /// What ssh said, on one line, when it failed.
    public var detail: String
    public var seconds: Double

    /// Connects to each host (at most 10 at once) and runs `true` there.
    public static func check(_ hosts: [InventoryHost], inventory: Inventory, dataDirectory: String,
                             timeout: Duration = .seconds(10)) async throws -> [HostCheck] {
        let configuration = try SSHConfiguration(inventory: inventory, dataDirectory: dataDirectory, connectTimeout: timeout,
                                                 persist: .seconds(1))
        return await withTaskGroup(of: HostCheck.self) { group in
            var queue = hosts[...]
            func startNext() {
                guard let host = queue.popFirst() else { return }
                group.addTask { await check(host.name, configuration: configuration.path, timeout: timeout) }
            }
            for _ in 0..<10 { startNext() }
            var results: [HostCheck] = []
            for await result in group {
                results.append(result)
                startNext()
            }
            return results.sorted { $0.host < $1.host }
        }
    }

    private static func check(_ name: String, configuration: String, timeout: Duration) async -> HostCheck {
        let command = StepCommand(
            executable: RunExecution.sshClient,
            arguments: ["-F", configuration, "-o", "ControlMaster=no", "-o", "ControlPath=none", "-T", "--", name, "true"],
            environment: ["PATH": Interpreter.searchPath, "HOME": "/nonexistent", "LANG": "C.UTF-8"], workingDirectory: "/")
        do {
            let outcome = try await StepProcess.run(command, limits: StepLimits(timeout: timeout + .seconds(5), gracePeriod: .seconds(1)))
            let seconds = Double(outcome.duration.components.seconds) + Double(outcome.duration.components.attoseconds) / 1e18
            let lines = outcome.log.split(separator: "\n").map { String($0.dropFirst(12)) }.filter { !$0.isEmpty }
            return HostCheck(host: name, verdict: verdict(outcome.termination, said: lines.joined(separator: "\n")),
                             detail: outcome.succeeded ? "" : lines.last ?? "", seconds: seconds)
        } catch {
            return HostCheck(host: name, verdict: .failed, detail: "\(error)", seconds: 0)
        }
    }

    /// Reads ssh's own words: they are the only way to tell a key mismatch from a refused login.
    static func verdict(_ termination: StepTermination, said: String) -> Verdict {
        if termination == .exited(0) { return .reachable }
        if termination == .timedOut { return .timeout }
        let text = said.lowercased()
        // "No ED25519 host key is known" ends with "Host key verification failed." too: the specific case first.
        if text.contains("host key is known") { return .notPinned }
        if text.contains("host key verification failed") || text.contains("identification has changed") { return .keyMismatch }
        if text.contains("permission denied") { return .authRefused }
        if text.contains("timed out") { return .timeout }
        if text.contains("connection refused") { return .refused }
        return .failed
    }
}
