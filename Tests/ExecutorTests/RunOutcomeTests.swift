import Executor
import Foundation
import ITIL
import Runbooks
import Testing
import Wiki

/// Whole runs through `Executor.trigger`, with real processes: what the incident, the run record and the audit
/// branch say afterwards.
@Suite("Run outcomes", .timeLimit(.minutes(1)))
struct RunOutcomeTests {
    @Test("a successful run resolves its incident and leaves every event and log on the audit branch")
    func successfulRun() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(
            front: "params:\n  GREETING: { from: labels.name, default: \"world\", pattern: '^[a-z]+$' }",
            steps: [("id=hello", "echo \"hello $GREETING from $RUNBOOK_STEP\""),
                    ("id=second", "echo second-output\necho to-stderr >&2")])
        let library = try sandbox.library(["hello": runbook])
        let result = try await sandbox.launcher.trigger(
            AlertTrigger(labels: ["alertname": "Test", "name": "ada"]), library: library, actor: "alertmanager")
        guard case .ran(let incident, let run) = result else { Issue.record("no run: \(result)"); return }

        #expect(run.state == .succeeded)
        #expect(run.steps.map(\.state) == [.succeeded, .succeeded])
        #expect(run.steps.map(\.exitCode) == [0, 0])
        #expect(run.steps.map(\.attempts) == [1, 1])
        #expect(run.runbookCommit == library.commit)
        #expect(run.parameters == ["GREETING": "ada"])
        // The committed record says what the returned one says (its times are kept to the second).
        let committed = try await sandbox.registry.run(run.id)
        #expect(committed.state == run.state && committed.steps.map(\.state) == run.steps.map(\.state))
        #expect(committed.steps.map(\.durationSeconds) == run.steps.map(\.durationSeconds))
        #expect(abs(try #require(committed.endedAt).timeIntervalSince(try #require(run.endedAt))) < 1)

        #expect(incident.state == .resolved)
        #expect(incident.closeCode == .solutionProvided)
        #expect(incident.closeNotes?.contains(run.id.description) == true, "notes: \(incident.closeNotes ?? "none")")
        #expect(incident.assignedTo == "automation")
        #expect(incident.runs == [run.id.description])

        let commits = try sandbox.commits(of: run.id)
        #expect(commits.map { $0.trailer("Event") } == [
            "run-queued", "run-started", "step-started", "step-ended", "step-started", "step-ended", "run-ended",
        ])
        #expect(commits.map { $0.trailer("Step") } == [nil, nil, "hello", "hello", "second", "second", nil])
        for commit in commits {
            #expect(commit.trailer("Runbook") == "runbooks/hello.md")
            #expect(commit.trailer("Runbook-Commit") == library.commit.hex)
            #expect(commit.trailer("Incident") == incident.number.description)
        }
        #expect(commits.last?.trailer("Run-State") == "succeeded")

        let first = try #require(try await sandbox.registry.log(of: run, step: 0))
        #expect(first.contains("hello ada from hello"))
        let second = try #require(try await sandbox.registry.log(of: run, step: 1))
        #expect(second.contains("second-output"))
        #expect(second.contains("to-stderr"))
        // Each step's log is in the commit that ends it, not only at the end.
        let stepEnded = try #require(commits.first { $0.trailer("Event") == "step-ended" })
        let logPath = RunFolder.path(of: run.id) + "/" + (run.steps[0].log ?? "")
        #expect(String(decoding: try sandbox.repository.readFile(logPath, at: stepEnded.id), as: UTF8.self).contains("hello ada"))

        let verification = try AuditVerifier(repository: sandbox.repository).verify(full: true)
        #expect(verification.succeeded, "audit verify: \(String(describing: verification.failure))")
    }

    @Test("a failing step with on-failure=stop fails the run, skips the rest and leaves the incident In Progress")
    func failingStepStops() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(steps: [
            ("id=fine", "echo fine"),
            ("id=breaks", "echo about to fail\nexit 3"),
            ("id=after", "touch '\(sandbox.out("canary"))'"),
        ])
        let (incident, run) = try await sandbox.run(["failing": runbook], labels: ["alertname": "Test"])

        #expect(run.state == .failed)
        #expect(run.steps.map(\.state) == [.succeeded, .failed, .skipped])
        #expect(run.steps[1].exitCode == 3)
        #expect(!sandbox.exists("canary"), "a step after the failed one ran")
        #expect(incident.state == .inProgress)
        #expect(incident.closeCode == nil)
        let note = try #require(notes(of: incident).last)
        #expect(note.contains("breaks"), "note: \(note)")
        #expect(note.contains("exit status 3"), "note: \(note)")
        #expect(try await sandbox.registry.log(of: run, step: 1)?.contains("about to fail") == true)
        #expect(try sandbox.commits(of: run.id).last?.trailer("Run-State") == "failed")
        #expect(try AuditVerifier(repository: sandbox.repository).verify(full: true).succeeded)
    }

    /// Decision: a step allowed to fail does not fail the run. Runbooks use `on-failure=continue` for checks whose
    /// non-zero status is information (disk-full's `check-usage` exits 1 while the disk is full); the run succeeds,
    /// resolves the incident, and its outcome and the resolution notes name the step that failed.
    @Test("a failing step with on-failure=continue lets the run go on; the run succeeds and names the step")
    func failingStepContinues() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(steps: [
            ("id=may-fail on-failure=continue", "exit 4"),
            ("id=after", "touch '\(sandbox.out("after"))'"),
        ])
        let (incident, run) = try await sandbox.run(["continue": runbook], labels: ["alertname": "Test"])

        #expect(run.state == .succeeded)
        #expect(run.steps.map(\.state) == [.failed, .succeeded])
        #expect(sandbox.exists("after"))
        #expect(run.outcome?.contains("may-fail") == true, "outcome: \(run.outcome ?? "none")")
        #expect(run.outcome?.contains("exit status 4") == true, "outcome: \(run.outcome ?? "none")")
        #expect(incident.state == .resolved)
        #expect(incident.closeNotes?.contains("may-fail failed") == true, "notes: \(incident.closeNotes ?? "none")")
    }

    @Test("a flaky step is retried after its delay, and both attempts are on the audit branch")
    func retries() async throws {
        let sandbox = try ExecutorSandbox()
        let script = """
            n=$(cat "$RUNBOOK_WORKDIR/count" 2>/dev/null || echo 0)
            n=$((n + 1))
            echo "$n" > "$RUNBOOK_WORKDIR/count"
            echo "attempt $n"
            [ "$n" -ge 2 ]
            """
        let runbook = page(steps: [("id=flaky retries=3 retry-delay=500ms", script)])
        let started = ContinuousClock.now
        let (incident, run) = try await sandbox.run(["flaky": runbook], labels: ["alertname": "Test"])
        let took = ContinuousClock.now - started

        #expect(run.state == .succeeded)
        #expect(run.steps[0].attempts == 2)
        #expect(run.steps[0].exitCode == 0)
        #expect(took >= .milliseconds(500), "the retry delay was not waited")
        #expect(incident.state == .resolved)

        let commits = try sandbox.commits(of: run.id)
        #expect(commits.filter { $0.trailer("Event") == "step-started" }.count == 2)
        let ended = commits.filter { $0.trailer("Event") == "step-ended" }
        #expect(ended.map { $0.trailer("Attempt") } == ["1", "2"])
        #expect(ended.map { $0.trailer("Exit-Code") } == ["1", "0"])
        let logPath = RunFolder.path(of: run.id) + "/" + (run.steps[0].log ?? "")
        let logs = try ended.map { String(decoding: try sandbox.repository.readFile(logPath, at: $0.id), as: UTF8.self) }
        #expect(logs.count == 2)
        #expect(logs.first?.contains("attempt 1") == true)
        #expect(logs.last?.contains("attempt 2") == true)
    }

    @Test("output over the cap is dropped with a marker in the step's log on the audit branch")
    func outputCap() async throws {
        let sandbox = try ExecutorSandbox(outputCap: 4096)
        let runbook = page(steps: [("id=chatty", "echo first-line\nhead -c 100000 /dev/zero | tr '\\0' 'a'\necho\necho last-line")])
        let (_, run) = try await sandbox.run(["chatty": runbook], labels: ["alertname": "Test"])

        #expect(run.state == .succeeded)
        #expect((run.steps[0].droppedBytes ?? 0) > 90_000)
        let log = try #require(try await sandbox.registry.log(of: run, step: 0))
        #expect(log.contains("first-line"))
        #expect(log.utf8.count < 8192, "the log kept \(log.utf8.count) bytes")
        #expect(log.contains("dropped"), "no marker in: \(log.suffix(300))")
    }

    @Test("resolve: never leaves a successful run's incident In Progress with a note")
    func resolveNever() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(front: "resolve: never", steps: [("id=fine", "echo fine")])
        let (incident, run) = try await sandbox.run(["manual": runbook], labels: ["alertname": "Test"])

        #expect(run.state == .succeeded)
        #expect(incident.state == .inProgress)
        #expect(incident.closeCode == nil)
        let note = try #require(notes(of: incident).last)
        #expect(note.contains(run.id.description))
        #expect(note.contains("leaves resolving to a person"), "note: \(note)")
    }

    @Test("a repeat of an alert whose incident is open runs nothing")
    func deduplicated() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(front: "resolve: never", steps: [("id=count", "echo x >> '\(sandbox.out("ran"))'")])
        let library = try sandbox.library(["dedup": runbook])
        let alert = AlertTrigger(labels: ["alertname": "Test", "instance": "db1"])
        let first = try await sandbox.launcher.trigger(alert, library: library, actor: "alertmanager")
        let second = try await sandbox.launcher.trigger(alert, library: library, actor: "alertmanager")

        guard case .ran(let incident, _) = first else { Issue.record("first trigger: \(first)"); return }
        guard case .deduplicated(let repeated) = second else { Issue.record("second trigger: \(second)"); return }
        #expect(repeated.number == incident.number)
        #expect(try await sandbox.registry.runs().count == 1)
        #expect(sandbox.text("ran") == "x\n", "the step ran again")
        let now = try sandbox.store.incident(incident.number)
        #expect(now.alerts.first?.occurrences == 2)
        #expect(now.runs.count == 1)
    }

    @Test("an alert no runbook matches opens an incident that waits for a person, with a note")
    func noMatch() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(alert: "Other", steps: [("id=never", "touch '\(sandbox.out("canary"))'")])
        let result = try await sandbox.trigger(["other": runbook], labels: ["alertname": "Test"])

        guard case .noMatch(let incident, _) = result else { Issue.record("expected no match: \(result)"); return }
        #expect(incident.state == .new)
        #expect(incident.runs.isEmpty)
        #expect(notes(of: incident).contains { $0.contains("No runbook matches") })
        #expect(try await sandbox.registry.runs().isEmpty)
        #expect(!sandbox.exists("canary"))
    }
}
