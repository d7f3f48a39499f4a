import Foundation

/// Runs the built `runbook` binary as a user would, in a temporary directory of its own.
struct CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// A scratch directory, removed by `cleanUp()`.
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// `directory/relative`.
    func path(_ relative: String) -> String {
        directory.appendingPathComponent(relative).path
    }

    /// The `runbook` executable built next to this test bundle.
    static let executable: URL = {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = here.appendingPathComponent("runbook")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        // xctest bundles on some platforms nest the binary a few folders down.
        return here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("runbook")
    }()

    /// A started `runbook` process; `wait()` collects its output.
    struct Running {
        let process: Process
        let out: Pipe
        let err: Pipe

        func wait() throws -> Result {
            // Read both pipes to the end before waiting, so a chatty child cannot block on a full pipe.
            let outData = out.fileHandleForReading.readDataToEndOfFile()
            let errData = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData, as: UTF8.self))
        }
    }

    /// Runs `runbook arguments` with RUNBOOK_HOME inside the scratch directory and no RUNBOOK_WIKI, in the scratch
    /// directory or in `relative` below it.
    func run(_ arguments: [String], environment extra: [String: String] = [:], in relative: String? = nil) throws -> Result {
        try start(arguments, environment: extra, in: relative).wait()
    }

    /// Starts `runbook arguments` without waiting for it.
    func start(_ arguments: [String], environment extra: [String: String] = [:], in relative: String? = nil) throws -> Running {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = relative.map { directory.appendingPathComponent($0) } ?? directory
        var environment = ProcessInfo.processInfo.environment
        environment["RUNBOOK_WIKI"] = nil
        environment["RUNBOOK_HOME"] = path(".runbook")
        process.environment = environment.merging(extra) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Running(process: process, out: out, err: err)
    }

    /// Runs the system `git` in `repository`, for checking what the CLI wrote with the tools users have.
    func git(_ repository: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["-C", repository] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
