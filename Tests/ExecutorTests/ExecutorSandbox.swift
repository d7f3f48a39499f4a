import Executor
import Foundation
import ITIL
import Runbooks
import Testing
import Wiki

/// One test's world for the executor: a temporary wiki repository whose `main` branch holds the runbooks and whose
/// `audit` branch holds incidents and runs, an incident store on it, executor settings with short grace and poll
/// times, and an `out/` folder for files steps write (their work directory is removed when the run ends).
/// Everything is removed when the value goes away.
final class ExecutorSandbox: @unchecked Sendable {
    let path: String
    let repository: Repository
    let store: IncidentStore
    var settings: ExecutorSettings

    /// - Parameters:
    ///   - workers: the global worker limit.
    ///   - outputCap: bytes of a step's output kept.
    init(workers: Int = 4, outputCap: Int = 1 << 20) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("executor-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path + "/out", withIntermediateDirectories: true)
        repository = try Repository.create(at: path + "/wiki.git", bare: true)
        store = try IncidentStore(auditLog: AuditLog(repository: repository))
        settings = ExecutorSettings(
            workRoot: path + "/work", stateDirectory: path + "/state", workers: workers, outputCap: outputCap, gracePeriod: .milliseconds(200),
            owner: "test:\(getpid())", dataDirectory: path + "/home")
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var launcher: RunLauncher { RunLauncher(store: store, settings: settings) }
    var registry: RunRegistry { RunRegistry(store: store, settings: settings) }

    /// Commits `pages` (name without `.md` → Markdown) under `runbooks/` on `main` and loads the library at that commit.
    /// The pages must be lint-clean.
    func library(_ pages: [String: String], files: [String: String] = [:]) throws -> RunbookLibrary {
        let parent = try repository.branchHead("main")
        let changes = pages.map { FileChange.write(path: "runbooks/\($0.key).md", contents: Data($0.value.utf8)) }
            + files.map { FileChange.write(path: $0.key, contents: Data($0.value.utf8)) }
        let commit = try repository.commit(
            changes: changes, to: "main",
            expectedParent: parent, author: Signature(name: "Alice", email: "alice@example.com"), message: "Add runbooks")
        let library = try RunbookLibrary.load(from: repository, at: commit)
        let broken = library.pages.filter(\.hasErrors)
        #expect(broken.isEmpty, "runbooks with errors: \(broken.flatMap(\.errors))")
        return library
    }

    /// Triggers an alert with `labels` against a library of `pages`.
    func trigger(
        _ pages: [String: String], labels: [String: String], annotations: [String: String] = [:]
    ) async throws -> TriggerResult {
        try await launcher.trigger(AlertTrigger(labels: labels, annotations: annotations), library: library(pages), actor: "alertmanager")
    }

    /// Triggers and expects a run; returns the incident as it ended and the run.
    func run(
        _ pages: [String: String], labels: [String: String], annotations: [String: String] = [:]
    ) async throws -> (incident: Incident, run: Run) {
        let result = try await trigger(pages, labels: labels, annotations: annotations)
        guard case .ran(let incident, let run) = result else {
            Issue.record("expected a run, got \(result)")
            throw SandboxError.noRun
        }
        return (incident, run)
    }

    /// A path in `out/`, the folder steps write their evidence to.
    func out(_ name: String) -> String { path + "/out/" + name }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: out(name)) }

    /// The text of a file in `out/`, nil when missing.
    func text(_ name: String) -> String? {
        (try? Data(contentsOf: URL(fileURLWithPath: out(name)))).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The audit branch's commits, oldest first.
    func auditHistory() throws -> [Commit] {
        try repository.history("audit").reversed()
    }

    /// The commits of run `run`, oldest first.
    func commits(of run: RunID) throws -> [Commit] {
        try auditHistory().filter { $0.trailer("Run") == run.description }
    }

    /// Waits until `condition` holds, polling, for up to `limit`; false if it never did.
    ///
    /// The limits are generous because other suites running beside these block the cooperative pool (synchronous
    /// `waitUntilExit` of CLI processes) on a 2-core machine; a wait that succeeds returns as soon as it does.
    func eventually(within limit: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    /// Waits until some run on the audit branch is in `state`; returns it, nil if none got there within `limit`.
    func waitForRun(in state: RunState, within limit: Duration = .seconds(30)) async throws -> Run? {
        var found: Run?
        _ = try await eventually(within: limit) {
            found = try await registry.runs().first { $0.state == state }
            return found != nil
        }
        return found
    }

    enum SandboxError: Error { case noRun }
}

extension Commit {
    /// The value of the trailer `key`, if the commit has one.
    func trailer(_ key: String) -> String? {
        trailers.first { $0.key == key }?.value
    }
}

/// Parses a runbook from its Markdown text; records an issue and throws when it has errors.
func parseRunbook(_ text: String, path: String = "runbooks/test.md") throws -> Runbook {
    let parsed = RunbookParser.parse(Data(text.utf8), path: path)
    return try #require(parsed.runbook, "the runbook does not parse: \(parsed.errors)")
}

/// A runbook page matching `alertname="<alert>"`, with `front` as more front matter lines and `steps` as
/// (fence info after `sh`, script) pairs, each under a heading of its own.
func page(alert: String = "Test", front: String = "", steps: [(attributes: String, script: String)]) -> String {
    var text = "---\ntitle: Test \(alert)\nmatch:\n  - alertname=\"\(alert)\"\n"
    if !front.isEmpty { text += front.hasSuffix("\n") ? front : front + "\n" }
    text += "---\n\n# Test \(alert)\n\nA runbook for a test.\n"
    for (index, step) in steps.enumerated() {
        text += "\n## Step \(index + 1)\n\n```sh {\(step.attributes)}\n\(step.script)\n```\n"
    }
    return text
}

/// The notes on an incident written by people or automation (not the system's own entries).
func notes(of incident: Incident) -> [String] {
    incident.workNotes.filter { $0.kind == .note }.map(\.text)
}
