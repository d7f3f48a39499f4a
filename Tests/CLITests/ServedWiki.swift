import Foundation
import Testing

/// A running `runbook serve` on a free port of the embedded wiki of a ``CLI``, with an admin token.
struct Served {
    let running: CLI.Running
    let url: String
    let token: String

    /// `arguments` with `--server` and `--token`.
    func args(_ arguments: [String]) -> [String] { arguments + ["--server", url, "--token", token] }

    /// SIGTERM, then SIGKILL after `grace`; true when it exited on SIGTERM.
    @discardableResult
    func stop(grace: TimeInterval = 3) -> Bool {
        kill(running.process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while running.process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let clean = !running.process.isRunning
        if !clean { kill(running.process.processIdentifier, SIGKILL) }
        running.process.waitUntilExit()
        return clean
    }

    /// Whether INC0000001's event stream on this server (replayed from the start, so events before the follower
    /// connected count) comes to satisfy `done` within 30 s; the stream's lines so far are what `done` sees.
    func follow(_ cli: CLI, until done: @escaping @Sendable (String) -> Bool) async -> Bool {
        guard let follower = try? cli.start(args(["events", "--incident", "INC0000001", "--after", "-", "--no-output"])) else { return false }
        let timeout = Task {
            try await Task.sleep(for: .seconds(30))
            follower.process.terminate()
        }
        defer {
            timeout.cancel()
            follower.process.terminate()
        }
        let seen = LinesSeen()
        return await follower.firstLine { seen.add($0, done) } != nil
    }

    /// Waits until everything the server acknowledged is on the audit branch of `wiki`: its intake journal holds no
    /// segment (commit cycles run a few times a second; one after a full disk waits a second to try again).
    /// False when that takes longer than `limit`.
    func auditCommitted(_ cli: CLI, wiki: String, within limit: TimeInterval = 5) throws -> Bool {
        let gitDirectory = try cli.git(wiki, ["rev-parse", "--absolute-git-dir"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let journal = gitDirectory + "/runbook-audit.journal"
        let deadline = Date().addingTimeInterval(limit)
        while Date() < deadline {
            let segments = ((try? FileManager.default.contentsOfDirectory(atPath: journal)) ?? []).filter { Int($0) != nil }
            if segments.isEmpty { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// kill -9: no shutdown at all.
    func kill9() {
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
    }
}

extension CLI {
    /// Starts the server on the embedded wiki and reads its URL (and, on the first start, its admin token) from
    /// stdout; a later start is given the token the first one printed.
    func serve(token known: String? = nil, environment extra: [String: String] = [:]) throws -> Served {
        let running = try start(["serve"], environment: ["RUNBOOK_PORT": "0", "RUNBOOK_LOG_LEVEL": "error"].merging(extra) { $1 })
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("listening on "), Date() < deadline, running.process.isRunning {
            let data = running.out.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        // A server that exited says why on stderr.
        if !running.process.isRunning { text += String(decoding: running.err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let token = try known ?? #require(lines.firstIndex { $0.hasPrefix("created the admin token") }.map { lines[$0 + 1] }, "\(text)")
        let listening = try #require(lines.first { $0.hasPrefix("listening on ") }, "\(text)")
        let url = try #require(listening.split(separator: " ").dropFirst(2).first.map(String.init))
        return Served(running: running, url: url, token: token)
    }

    /// A wiki at the embedded location, with runbooks committed with git as a user would.
    func wiki(runbooks: [String: String]) throws {
        let path = path(".runbook/wiki")
        #expect(try run(["init", path]).status == 0)
        for (name, text) in runbooks {
            try text.write(toFile: path + "/runbooks/\(name).md", atomically: true, encoding: .utf8)
        }
        _ = try git(path, ["add", "-A"])
        _ = try git(path, ["-c", "user.name=Test", "-c", "user.email=t@example.com", "commit", "-q", "-m", "Add test runbooks"])
    }
}
