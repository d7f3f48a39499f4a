import Foundation

/// A long-running child of a test (a server, Prometheus, Alertmanager) whose stdout and stderr go to a log file.
///
/// A file rather than a pipe: nobody reads these daemons' output while the test runs, and a chatty one would block on
/// a full pipe. The log is read back to find a "listening on" line and to explain a failure.
final class BackgroundProcess {
    /// A short name for failure messages: `prometheus`, `alertmanager`, `runbook serve`.
    let name: String
    /// Where its stdout and stderr go.
    let logFile: URL
    private let process: Process

    /// Starts `executable arguments` in `directory`, with `environment` replacing the inherited one entirely.
    init(name: String, executable: URL, arguments: [String], environment: [String: String], directory: URL, logFile: URL) throws {
        self.name = name
        self.logFile = logFile
        try Data().write(to: logFile)
        let log = try FileHandle(forWritingTo: logFile)
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The child has its own copy of the descriptor.
        try log.close()
    }

    var isRunning: Bool { process.isRunning }

    /// Everything it has written so far.
    var log: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// The last `lines` lines of its log, headed by its name and exit status, for a failure message.
    func tail(_ lines: Int = 25) -> String {
        let status = process.isRunning ? "running" : "exited with \(process.terminationStatus)"
        let last = log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
        return "--- \(name) (\(status)), \(logFile.path):\n\(last)"
    }

    /// SIGTERM, up to `grace` for a clean exit, then SIGKILL: the daemons flush and release their ports on SIGTERM, and
    /// SIGKILL makes sure a stuck one never outlives the test. False when it took SIGKILL.
    @discardableResult
    func stop(grace: TimeInterval = 5) -> Bool {
        guard process.isRunning else { return true }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let stoppedOnRequest = !process.isRunning
        if !stoppedOnRequest {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        return stoppedOnRequest
    }
}
