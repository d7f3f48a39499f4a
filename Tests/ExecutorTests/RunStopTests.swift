import Executor
import Foundation
import ITIL
import Runbooks
import Testing
import Wiki

/// Runs that end early: step and run timeouts, cancels, approvals and denials. Each leaves no process behind.
@Suite("Stopping runs", .timeLimit(.minutes(1)))
struct RunStopTests {
    /// A step that records its process group (its shell's pid: each step leads a group of its own), starts a
    /// grandchild and sleeps.
    static func hang(_ sandbox: ExecutorSandbox) -> String {
        "echo $$ > '\(sandbox.out("pid"))'\nsleep 30 &\nsleep 30"
    }

    @Test("a step's timeout kills its process group quickly and fails the run")
    func stepTimeout() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(steps: [("id=hang timeout=1s", Self.hang(sandbox)), ("id=after", "touch '\(sandbox.out("canary"))'")])
        let (incident, run) = try await sandbox.run(["hang": runbook], labels: ["alertname": "Test"])

        // The step's own time: the whole trigger also waits for audit commits, slow on a busy machine.
        #expect((run.steps[0].durationSeconds ?? 99) < 3, "the step took \(run.steps[0].durationSeconds ?? -1) s")
        #expect(run.state == .failed)
        #expect(run.steps.map(\.state) == [.timedOut, .skipped])
        #expect(!sandbox.exists("canary"))
        let group = try #require(sandbox.text("pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(try await survivors(ofGroup: group).isEmpty)
        #expect(incident.state == .inProgress)
        #expect(notes(of: incident).last?.contains("hang timed out") == true, "notes: \(notes(of: incident))")
    }

    @Test("a run's timeout kills the running step quickly and fails the run")
    func runTimeout() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(front: "timeout: 1s", steps: [("id=slow", Self.hang(sandbox)), ("id=after", "touch '\(sandbox.out("canary"))'")])
        let (incident, run) = try await sandbox.run(["slow": runbook], labels: ["alertname": "Test"])

        #expect((run.steps[0].durationSeconds ?? 99) < 3, "the step took \(run.steps[0].durationSeconds ?? -1) s")
        #expect(run.state == .failed)
        #expect(run.steps.map(\.state) == [.timedOut, .skipped])
        #expect(!sandbox.exists("canary"))
        let group = try #require(sandbox.text("pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(try await survivors(ofGroup: group).isEmpty)
        #expect(incident.state == .inProgress)
    }

    @Test("cancel kills the running step's processes within a second or two; later steps do not run")
    func cancel() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(steps: [("id=slow", Self.hang(sandbox)), ("id=after", "touch '\(sandbox.out("canary"))'")])
        let library = try sandbox.library(["slow": runbook])
        let executor = sandbox.launcher
        let task = Task { try await executor.trigger(AlertTrigger(labels: ["alertname": "Test"]), library: library, actor: "alertmanager") }
        #expect(try await sandbox.eventually { sandbox.exists("pid") })
        let running = try #require(try await sandbox.waitForRun(in: .running))
        try await sandbox.registry.cancel(running.id, by: "dave", reason: "wrong host")
        let asked = Date()
        let result = try await task.value
        guard case .ran(let incident, let run) = result else { Issue.record("no run: \(result)"); return }

        let took = try #require(run.steps[0].endedAt).timeIntervalSince(asked)
        // Within a second or two on a quiet machine; the bound leaves room for a loaded one and is still far below
        // the step's 30 s sleep.
        #expect(took < 5, "the step ended \(took) s after the cancel was committed")
        #expect(run.state == .canceled)
        #expect(run.outcome?.contains("dave") == true, "outcome: \(run.outcome ?? "none")")
        #expect(run.steps.map(\.state) == [.canceled, .skipped])
        #expect(!sandbox.exists("canary"))
        let group = try #require(sandbox.text("pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(try await survivors(ofGroup: group).isEmpty)
        #expect(incident.state == .inProgress)
        #expect(try await sandbox.registry.run(run.id).state == .canceled)
        // Asking again answers with the request on record and commits nothing.
        let head = try sandbox.repository.branchHead("audit")
        let again = try await sandbox.registry.cancel(run.id, by: "erin")
        #expect(!again.committed && again.decision.by == "dave")
        #expect(try sandbox.repository.branchHead("audit") == head)
    }

    @Test("a step that needs approval pauses the run until someone approves it, who is recorded")
    func approve() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(steps: [
            ("id=prepare", "echo prepared"),
            ("id=risky approve=true", "touch '\(sandbox.out("risky-ran"))'"),
            ("id=after", "touch '\(sandbox.out("after-ran"))'"),
        ])
        let library = try sandbox.library(["approve": runbook])
        let executor = sandbox.launcher
        let task = Task { try await executor.trigger(AlertTrigger(labels: ["alertname": "Test"]), library: library, actor: "alertmanager") }
        let waiting = try #require(try await sandbox.waitForRun(in: .awaitingApproval))
        #expect(try await sandbox.registry.run(waiting.id).steps.map(\.state) == [.succeeded, .awaitingApproval, .pending])
        #expect(!sandbox.exists("risky-ran"))

        let decider = sandbox.registry
        let receipt = try await Task { try await decider.decide(waiting.id, verdict: .approve, by: "bob") }.value
        #expect(receipt.step == "risky")
        let result = try await task.value
        guard case .ran(let incident, let run) = result else { Issue.record("no run: \(result)"); return }

        #expect(run.state == .succeeded)
        #expect(run.steps[1].decidedBy == "bob")
        #expect(run.steps.map(\.state) == [.succeeded, .succeeded, .succeeded])
        #expect(sandbox.exists("risky-ran") && sandbox.exists("after-ran"))
        #expect(incident.state == .resolved)
        let events = try sandbox.commits(of: run.id)
        let approved = try #require(events.first { $0.trailer("Event") == "approved" })
        #expect(approved.trailer("Actor") == "bob")
        #expect(approved.trailer("Step") == "risky")
        #expect(events.contains { $0.trailer("Event") == "approval-requested" })
        #expect(try AuditVerifier(repository: sandbox.repository).verify(full: true).succeeded)
    }

    @Test("a denial stops the run as denied, with the reason, and nothing after it runs")
    func deny() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(steps: [
            ("id=risky approve=true", "touch '\(sandbox.out("canary"))'"),
            ("id=after", "touch '\(sandbox.out("canary-after"))'"),
        ])
        let library = try sandbox.library(["deny": runbook])
        let executor = sandbox.launcher
        let task = Task { try await executor.trigger(AlertTrigger(labels: ["alertname": "Test"]), library: library, actor: "alertmanager") }
        let waiting = try #require(try await sandbox.waitForRun(in: .awaitingApproval))
        try await sandbox.registry.decide(waiting.id, verdict: .deny, by: "carol", reason: "not during the sale")
        let result = try await task.value
        guard case .ran(let incident, let run) = result else { Issue.record("no run: \(result)"); return }

        #expect(run.state == .denied)
        #expect(run.steps.map(\.state) == [.denied, .skipped])
        #expect(run.steps[0].decidedBy == "carol")
        #expect(run.steps[0].decisionReason == "not during the sale")
        #expect(!sandbox.exists("canary") && !sandbox.exists("canary-after"))
        #expect(incident.state == .inProgress)
        let note = try #require(notes(of: incident).last)
        #expect(note.contains("carol") && note.contains("not during the sale"), "note: \(note)")
        await #expect(throws: ExecutorError.self) { try await sandbox.registry.decide(run.id, verdict: .approve, by: "bob") }
    }

    @Test("cancel while a run awaits approval stops it; the step never runs")
    func cancelAwaitingApproval() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(steps: [("id=risky approve=true", "touch '\(sandbox.out("canary"))'")])
        let library = try sandbox.library(["approve": runbook])
        let executor = sandbox.launcher
        let task = Task { try await executor.trigger(AlertTrigger(labels: ["alertname": "Test"]), library: library, actor: "alertmanager") }
        let waiting = try #require(try await sandbox.waitForRun(in: .awaitingApproval))
        try await sandbox.registry.cancel(waiting.id, by: "dave")
        let result = try await task.value
        guard case .ran(_, let run) = result else { Issue.record("no run: \(result)"); return }

        #expect(run.state == .canceled)
        #expect(run.outcome?.contains("dave") == true, "outcome: \(run.outcome ?? "none")")
        #expect(run.steps[0].state != .succeeded && run.steps[0].attempts == 0)
        #expect(!sandbox.exists("canary"))
    }

    @Test("a run awaiting approval ends canceled when its incident is resolved meanwhile; the step never runs")
    func incidentResolvedWhileAwaitingApproval() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(steps: [("id=cleanup approve=true", "touch '\(sandbox.out("canary"))'")])
        let library = try sandbox.library(["approve": runbook])
        let executor = sandbox.launcher
        let task = Task { try await executor.trigger(AlertTrigger(labels: ["alertname": "Test"]), library: library, actor: "alertmanager") }
        let waiting = try #require(try await sandbox.waitForRun(in: .awaitingApproval))
        // The alert clears: the intake resolves the incident.
        _ = try await sandbox.store.apply(.transitioned(to: .resolved, code: .resolvedByCaller, notes: "the alert resolved"),
                                          to: waiting.id.incident, actor: "alertmanager")
        let result = try await task.value
        guard case .ran(let incident, let run) = result else { Issue.record("no run: \(result)"); return }

        #expect(run.state == .canceled)
        #expect(run.outcome == "\(incident.number) became Resolved while step cleanup awaited approval")
        #expect(run.steps[0].state == .canceled && run.steps[0].attempts == 0)
        #expect(!sandbox.exists("canary"))
        #expect(incident.state == .resolved)
        await #expect(throws: ExecutorError.self) { try await sandbox.registry.decide(run.id, verdict: .approve, by: "bob") }
    }

    @Test("cancel during a retry delay ends the run at once; no further attempt starts")
    func cancelDuringRetryDelay() async throws {
        let sandbox = try ExecutorSandbox()
        // A long delay: a loaded machine that notices the first failure late must still find the run waiting to retry.
        let runbook = page(steps: [("id=flaky retries=3 retry-delay=60s", "echo x >> '\(sandbox.out("attempts"))'\nexit 1")])
        let library = try sandbox.library(["flaky": runbook])
        let executor = sandbox.launcher
        let task = Task { try await executor.trigger(AlertTrigger(labels: ["alertname": "Test"]), library: library, actor: "alertmanager") }
        let waiting = try #require(try await sandbox.waitForRun(in: .running))
        #expect(try await sandbox.eventually {
            let step = try await sandbox.registry.run(waiting.id).steps[0]
            return step.state == .failed && step.attempts == 1
        })
        try await sandbox.registry.cancel(waiting.id, by: "dave")
        let asked = Date()
        let result = try await task.value
        guard case .ran(_, let run) = result else { Issue.record("no run: \(result)"); return }

        let took = try #require(run.endedAt).timeIntervalSince(asked)
        #expect(took < 10, "the run ended \(took) s after the cancel was committed, not at once (the delay is 60 s)")
        #expect(run.state == .canceled)
        #expect(sandbox.text("attempts") == "x\n")
        #expect(run.steps[0].attempts == 1)
        #expect(try sandbox.commits(of: run.id).filter { $0.trailer("Event") == "step-started" }.count == 1)
    }

    @Test("a retry that would start after the run's timeout is not waited for")
    func retryPastRunTimeout() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(
            front: "timeout: 1s", steps: [("id=flaky retries=2 retry-delay=3s", "echo x >> '\(sandbox.out("attempts"))'\nexit 1")])
        let (incident, run) = try await sandbox.run(["flaky": runbook], labels: ["alertname": "Test"])

        let waited = try #require(run.endedAt).timeIntervalSince(try #require(run.steps[0].endedAt))
        #expect(waited < 2, "the run waited \(waited) s for a retry its timeout would cut off")
        #expect(run.state == .failed)
        #expect(sandbox.text("attempts") == "x\n")
        #expect(run.steps[0].attempts == 1)
        #expect(incident.state == .inProgress)
    }
}
