@testable import Executor
import Foundation
import ITIL
import Runbooks
import Testing
import Wiki

/// Runs beside other runs: concurrency limits and the queue, and runs whose process died.
@Suite("Run queue and recovery", .timeLimit(.minutes(1)))
struct RunQueueTests {
    /// A step that fails if another run is inside it at the same time (`mkdir` is atomic), and holds its slot
    /// until the test creates `out/release`, so the test can look at the queue for as long as it needs.
    static func exclusive(_ sandbox: ExecutorSandbox) -> String {
        """
        mkdir '\(sandbox.out("inside"))' || { echo 'another run is inside'; exit 1; }
        while [ ! -e '\(sandbox.out("release"))' ]; do sleep 0.05; done
        rmdir '\(sandbox.out("inside"))'
        """
    }

    /// Lets the runs of ``exclusive(_:)`` end.
    static func release(_ sandbox: ExecutorSandbox) {
        #expect(FileManager.default.createFile(atPath: sandbox.out("release"), contents: nil))
    }

    /// Starts a trigger of `labels` on its own task.
    static func start(_ sandbox: ExecutorSandbox, _ library: RunbookLibrary, _ labels: [String: String]) -> Task<TriggerResult, Error> {
        let executor = sandbox.launcher
        return Task { try await executor.trigger(AlertTrigger(labels: labels), library: library, actor: "alertmanager") }
    }

    /// Waits until one run is running and another queued; true if that was seen.
    static func sawQueue(_ sandbox: ExecutorSandbox) async throws -> Bool {
        try await sandbox.eventually {
            let states = try await sandbox.registry.runs().map(\.state)
            return states.contains(.running) && states.contains(.queued)
        }
    }

    static func states(_ results: [TriggerResult]) -> [RunState?] {
        results.map { result in
            if case .ran(_, let run) = result { run.state } else { nil }
        }
    }

    @Test("a runbook's concurrency limit queues a second run for the same parameters until the first ends")
    func runbookConcurrency() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(
            front: "concurrency: 1\nparams:\n  HOST: { from: labels.instance, required: true }",
            steps: [("id=exclusive timeout=45s", Self.exclusive(sandbox))])
        let library = try sandbox.library(["limited": runbook])
        // Two alerts (two incidents) about the same host.
        let first = Self.start(sandbox, library, ["alertname": "Test", "instance": "db1", "job": "a"])
        let second = Self.start(sandbox, library, ["alertname": "Test", "instance": "db1", "job": "b"])

        #expect(try await Self.sawQueue(sandbox), "never saw one run queued behind the other")
        Self.release(sandbox)
        let results = [try await first.value, try await second.value]
        #expect(Self.states(results) == [.succeeded, .succeeded])
        #expect(Set(results.map(\.incident.number)).count == 2)
    }

    @Test("the global worker limit queues runs across runbooks")
    func workerLimit() async throws {
        let sandbox = try ExecutorSandbox(workers: 1)
        let library = try sandbox.library([
            "one": page(alert: "One", steps: [("id=exclusive timeout=45s", Self.exclusive(sandbox))]),
            "two": page(alert: "Two", steps: [("id=exclusive timeout=45s", Self.exclusive(sandbox))]),
        ])
        let first = Self.start(sandbox, library, ["alertname": "One"])
        let second = Self.start(sandbox, library, ["alertname": "Two"])

        #expect(try await Self.sawQueue(sandbox), "never saw one run queued behind the other")
        Self.release(sandbox)
        let results = [try await first.value, try await second.value]
        #expect(Self.states(results) == [.succeeded, .succeeded])
    }

    @Test("a queued run can be canceled before it starts; nothing of it runs")
    func cancelQueued() async throws {
        let sandbox = try ExecutorSandbox(workers: 1)
        let library = try sandbox.library([
            "one": page(alert: "One", steps: [("id=slow timeout=45s", Self.exclusive(sandbox))]),
            "two": page(alert: "Two", steps: [("id=canary", "touch '\(sandbox.out("canary"))'")]),
        ])
        let first = Self.start(sandbox, library, ["alertname": "One"])
        #expect(try await sandbox.waitForRun(in: .running) != nil)
        let second = Self.start(sandbox, library, ["alertname": "Two"])
        let queued = try #require(try await sandbox.waitForRun(in: .queued))
        try await sandbox.registry.cancel(queued.id, by: "erin")
        // The first run holds the only worker until the cancel is committed, whatever the load.
        Self.release(sandbox)
        let results = [try await first.value, try await second.value]

        #expect(Self.states(results) == [.succeeded, .canceled])
        #expect(!sandbox.exists("canary"))
        if case .ran(let incident, let run) = results[1] {
            #expect(run.steps.map(\.state) == [.skipped])
            #expect(run.outcome?.contains("erin") == true, "outcome: \(run.outcome ?? "none")")
            #expect(incident.state != .resolved)
        }
    }

    @Test("a run whose owner is gone is marked interrupted, with a note; its steps are not re-run")
    func interrupted() async throws {
        let sandbox = try ExecutorSandbox()
        let library = try sandbox.library(["crash": page(steps: [("id=first", "true"), ("id=second", "true"), ("id=third", "true")])])
        let runbook = try #require(library.runbook("crash"))
        let (incident, _) = try await sandbox.store.open(
            IncidentRequest(shortDescription: "crash test", alert: AlertKey(source: "test", key: "crash")), actor: "alertmanager")
        let linked = try await sandbox.store.linkNextRun(to: incident.number, actor: "automation")
        let id = try #require(RunID(parsing: linked.run))
        // The record a run leaves when its process is killed during its second step.
        var run = Run(
            id: id, runbook: runbook.id, runbookPath: runbook.path, runbookCommit: library.commit, parameters: [:],
            steps: runbook.steps.map { StepRecord(id: $0.id, title: $0.title, language: $0.language) }, actor: "alertmanager",
            createdAt: Date(), owner: "elsewhere:4242")
        run.state = .running
        run.steps[0].state = .succeeded
        run.steps[1].state = .running
        try await sandbox.store.appendEvent(.init(
            name: .stepStarted, subject: "run \(id): step second started",
            files: [RunFiles.write(run, to: RunFolder.record(of: id))], trailers: RunExecution.trailers(of: run), actor: "alertmanager"),
            to: incident.number)

        let marked = try await sandbox.registry.markInterrupted()
        #expect(marked.map(\.id) == [id])
        let record = try await sandbox.registry.run(id)
        #expect(record.state == .interrupted)
        #expect(record.steps.map(\.state) == [.succeeded, .interrupted, .skipped])
        #expect(record.outcome?.contains("second") == true)
        let now = try sandbox.store.incident(incident.number)
        let note = try #require(notes(of: now).last)
        #expect(note.contains(id.description) && note.contains("interrupted"), "note: \(note)")
        #expect(try await sandbox.registry.markInterrupted().isEmpty, "marked twice")
        #expect(try AuditVerifier(repository: sandbox.repository).verify(full: true).succeeded)
    }

    @Test("a run whose owner is alive is not marked interrupted")
    func liveRunIsNotInterrupted() async throws {
        let sandbox = try ExecutorSandbox()
        // Long enough to be seen running, and still running after markInterrupted, on a loaded two-core machine (3 s
        // was not always: the whole suite runs beside it).
        let library = try sandbox.library(["slow": page(steps: [("id=slow", "sleep 8")])])
        let task = Self.start(sandbox, library, ["alertname": "Test"])
        let running = try #require(try await sandbox.waitForRun(in: .running))
        #expect(try await sandbox.registry.markInterrupted().isEmpty)
        #expect(try await sandbox.registry.run(running.id).state == .running)
        #expect(Self.states([try await task.value]) == [.succeeded])
    }

    /// What a server or CLI starting up beside running `runbook trigger`s does: it must leave live runs, and runs
    /// that end while it looks, as they are.
    @Test("markInterrupted while other runs start and end marks none of them")
    func markInterruptedBesideLiveRuns() async throws {
        let sandbox = try ExecutorSandbox(workers: 2)
        let library = try sandbox.library(["quick": page(steps: [("id=quick", "true")])])
        let registry = sandbox.registry
        let sweeper = Task {
            var marked: [RunID] = []
            while !Task.isCancelled { marked += try await registry.markInterrupted().map(\.id) }
            return marked
        }
        let triggers = (0..<8).map { Self.start(sandbox, library, ["alertname": "Test", "n": "\($0)"]) }
        var results: [TriggerResult] = []
        for trigger in triggers { results.append(try await trigger.value) }
        sweeper.cancel()
        let marked = try await sweeper.value

        #expect(marked.isEmpty)
        #expect(try await sandbox.registry.runs().map(\.state) == Array(repeating: .succeeded, count: 8))
    }
}
