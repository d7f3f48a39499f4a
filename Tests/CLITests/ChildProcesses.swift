import Foundation

/// The daemons one test started: stopped together, newest first, however the test ends, and quoted when it fails.
final class ChildProcesses {
    /// Where their logs go.
    let logDirectory: URL
    private var started: [BackgroundProcess] = []

    init(logDirectory: URL) {
        self.logDirectory = logDirectory
    }

    /// Starts `executable arguments` in the log directory, logging to `name.log` there.
    @discardableResult
    func start(_ name: String, _ executable: URL, _ arguments: [String], environment: [String: String]) throws -> BackgroundProcess {
        let file = logDirectory.appendingPathComponent(name.replacingOccurrences(of: " ", with: "-") + ".log")
        let child = try BackgroundProcess(name: name, executable: executable, arguments: arguments, environment: environment,
                                          directory: logDirectory, logFile: file)
        started.append(child)
        return child
    }

    /// Stops every one still running, the last started first, so that senders stop before their receivers and log no
    /// failed sends. Returns the names of those that ignored SIGTERM and were killed.
    @discardableResult
    func stopAll() -> [String] {
        started.reversed().filter { !$0.stop() }.map(\.name)
    }

    /// The end of each one's log, for a failure message.
    var logs: String {
        started.map { $0.tail() }.joined(separator: "\n")
    }

    /// Calls `probe` every quarter second until it returns a value, and returns that.
    ///
    /// A probe that throws (a connection refused while a daemon starts) counts as "not yet". Gives up after `timeout`, or
    /// at once when a daemon has exited (a port taken, a bad configuration), with the logs that say why.
    func eventually<Value>(_ what: String, timeout: Duration = .seconds(45), _ probe: () async throws -> Value?) async throws -> Value {
        let deadline = ContinuousClock.now + timeout
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            if let exited = started.first(where: { !$0.isRunning }) {
                throw WaitFailed(what: what, reason: "\(exited.name) exited", logs: logs)
            }
            do {
                if let value = try await probe() { return value }
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        let reason = "no result after \(timeout)" + (lastError.map { "; the last probe failed: \($0)" } ?? "")
        throw WaitFailed(what: what, reason: reason, logs: logs)
    }

    /// Waiting for something the daemons should have done did not end well.
    struct WaitFailed: Error, CustomStringConvertible {
        let what: String
        let reason: String
        let logs: String

        var description: String { "waiting for \(what): \(reason)\n\(logs)" }
    }
}
