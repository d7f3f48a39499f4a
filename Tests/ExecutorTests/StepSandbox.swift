import Executor
import Foundation
import Synchronization

/// A temporary directory for one test's steps, with helpers to run shell scripts there as the executor does
/// (the script as a file, given to /bin/sh); removed when the test ends.
final class StepSandbox {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("step-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A command that runs `script` with /bin/sh in this directory, with PATH and `environment` only.
    func shell(_ script: String, arguments: [String] = [], environment: [String: String] = [:]) throws -> StepCommand {
        let file = "\(path)/step-\(UUID().uuidString).sh"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        return StepCommand(executable: "/bin/sh", arguments: [file] + arguments,
                           environment: ["PATH": Interpreter.searchPath].merging(environment) { $1 }, workingDirectory: path)
    }

    /// The bytes of a file the step wrote here.
    func contents(of name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: "\(path)/\(name)"))
    }

    /// A number the step wrote here (a pid, `$$`).
    func number(in name: String) throws -> Int32? {
        Int32(String(decoding: try contents(of: name), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: "\(path)/\(name)")
    }
}

/// The lines `onLine` was given, with when each came.
final class HeardLines: Sendable {
    private let lines = Mutex<[(text: String, at: ContinuousClock.Instant)]>([])

    func hear(_ line: String) {
        lines.withLock { $0.append((line, .now)) }
    }

    var texts: [String] { lines.withLock { $0.map(\.text) } }
    var all: [(text: String, at: ContinuousClock.Instant)] { lines.withLock { $0 } }
}

/// The log's lines without their time prefixes; `#expect`s that every line has one.
func texts(of log: String) -> [String] {
    lines(of: log).map { String($0.dropFirst(12)) }
}

/// The log's lines, without their newlines.
func lines(of log: String) -> [String] {
    var lines = log.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    return lines
}

/// The seconds of a log line's prefix (`[   1.250s] …` → 1.25).
func seconds(of line: String) -> Double? {
    guard line.hasPrefix("["), let end = line.firstIndex(of: "s") else { return nil }
    return Double(line[line.index(after: line.startIndex)..<end].trimmingCharacters(in: .whitespaces))
}

/// The processes of group `group` that are still alive; zombies, dead but not yet reaped by init, do not count.
func livingMembers(ofGroup group: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> Int32? in
        guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
              let nameEnd = stat.lastIndex(of: ")") else { return nil }
        // After the command name: state, ppid, pgrp.
        let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
        guard fields.count > 2, fields[0] != "Z", fields[0] != "X", Int32(fields[2]) == group else { return nil }
        return pid
    }
}

/// Waits up to `limit` for group `group` to have no living process, and returns those still alive then.
func survivors(ofGroup group: Int32, within limit: Duration = .seconds(2)) async throws -> [Int32] {
    let deadline = ContinuousClock.now + limit
    var alive = livingMembers(ofGroup: group)
    while !alive.isEmpty, ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(20))
        alive = livingMembers(ofGroup: group)
    }
    return alive
}

/// Whether process `pid` is alive (not a zombie).
func isAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let nameEnd = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(after: nameEnd)...].split(separator: " ").first
    return state != "Z" && state != "X"
}
