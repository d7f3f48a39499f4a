import Executor
import Foundation
import Testing

/// Nothing of a step outlives it: on timeout, cancel or a normal exit its whole process group is gone.
@Suite(.timeLimit(.minutes(1)))
struct StepTeardownTests {
    /// Background sleeps and a subshell that ignores SIGTERM: the shell dies of SIGTERM at the deadline and the
    /// rest of its group is killed with it.
    @Test func aTimeoutKillsTheWholeGroup() async throws {
        let sandbox = try StepSandbox()
        let script = """
            echo $$ > group
            sleep 300 &
            sleep 300 &
            ( trap '' TERM; while :; do sleep 1; done ) &
            echo started
            wait
            """
        let limits = StepLimits(timeout: .milliseconds(500), gracePeriod: .milliseconds(500))
        let outcome = try await StepProcess.run(sandbox.shell(script), limits: limits)
        #expect(outcome.termination == .timedOut)
        #expect(outcome.termination.description == "timed out")
        #expect(outcome.duration >= .milliseconds(500) && outcome.duration < .seconds(3))
        let group = try #require(try sandbox.number(in: "group"))
        #expect(group == outcome.processID)
        #expect(try await survivors(ofGroup: group).isEmpty)
        #expect(texts(of: outcome.log).first == "started")
        #expect(texts(of: outcome.log).contains("[runbook] timeout of 0.500s reached: sending SIGTERM to the step's process group"))
    }

    /// A step that ignores SIGTERM altogether gets SIGKILL when the grace period is over, not before.
    @Test func aStepThatIgnoresSIGTERMIsKilledAfterTheGracePeriod() async throws {
        let sandbox = try StepSandbox()
        let script = """
            trap '' TERM
            echo $$ > group
            sleep 300 &
            sleep 300
            """
        let limits = StepLimits(timeout: .milliseconds(300), gracePeriod: .milliseconds(700))
        let outcome = try await StepProcess.run(sandbox.shell(script), limits: limits)
        #expect(outcome.termination == .timedOut)
        #expect(outcome.duration >= .milliseconds(1000) && outcome.duration < .seconds(3))
        #expect(texts(of: outcome.log).last == "[runbook] still running 0.700s after SIGTERM: sending SIGKILL")
        let group = try #require(try sandbox.number(in: "group"))
        #expect(try await survivors(ofGroup: group).isEmpty)
    }

    /// `sleep 300 &` holds the output pipe open; the step still ends when its shell does, and the sleep with it.
    @Test func aBackgroundChildDoesNotOutliveANormalExit() async throws {
        let sandbox = try StepSandbox()
        let outcome = try await StepProcess.run(sandbox.shell("sleep 300 &\necho $! > background\necho done"))
        #expect(outcome.termination == .exited(0))
        #expect(outcome.duration < .seconds(2))
        #expect(texts(of: outcome.log) == ["done"])
        let background = try #require(try sandbox.number(in: "background"))
        #expect(try await survivors(ofGroup: outcome.processID).isEmpty)
        #expect(!isAlive(background))
    }

    @Test func cancelStopsARunningStep() async throws {
        let sandbox = try StepSandbox()
        let cancellation = StepCancellation()
        let outcome = try await StepProcess.run(sandbox.shell("echo started; sleep 300"), limits: StepLimits(gracePeriod: .milliseconds(500)),
                                                cancellation: cancellation) { line in
            if line.hasSuffix("started") { cancellation.cancel() }
        }
        #expect(outcome.termination == .canceled)
        #expect(outcome.duration < .seconds(2))
        #expect(texts(of: outcome.log) == ["started", "[runbook] canceled: sending SIGTERM to the step's process group"])
        #expect(try await survivors(ofGroup: outcome.processID).isEmpty)
    }

    @Test func cancelingTheTaskStopsTheStep() async throws {
        let sandbox = try StepSandbox()
        let heard = HeardLines()
        let command = try sandbox.shell("echo started; sleep 300")
        let task = Task { try await StepProcess.run(command, limits: StepLimits(gracePeriod: .milliseconds(500)), onLine: heard.hear) }
        while heard.texts.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        let outcome = try await task.value
        #expect(outcome.termination == .canceled)
        #expect(try await survivors(ofGroup: outcome.processID).isEmpty)
    }

    @Test func aCanceledStepDoesNotStart() async throws {
        let sandbox = try StepSandbox()
        let cancellation = StepCancellation()
        cancellation.cancel()
        let outcome = try await StepProcess.run(sandbox.shell("touch ran"), cancellation: cancellation)
        #expect(outcome.termination == .canceled)
        #expect(outcome.processID == 0)
        #expect(!sandbox.exists("ran"))
    }

    /// A process that leaves the group (here with setsid) is out of reach of the group's signals; it must not hang
    /// the step by holding the output pipe. The test kills it itself.
    @Test func aProcessThatLeftTheGroupDoesNotHangTheStep() async throws {
        let sandbox = try StepSandbox()
        let script = """
            setsid sh -c 'touch in-own-session; exec sleep 30' &
            echo $! > escaped
            while [ ! -e in-own-session ]; do sleep 0.01; done
            echo done
            """
        let outcome = try await StepProcess.run(sandbox.shell(script))
        let escaped = try #require(try sandbox.number(in: "escaped"))
        defer { kill(escaped, SIGKILL) }
        #expect(outcome.termination == .exited(0))
        #expect(outcome.duration < .seconds(4))
        #expect(texts(of: outcome.log).last?.hasPrefix("[runbook] stopped reading output 2.000s after the step ended") == true)
    }

    /// A step's descendants that left its group (setsid, a double-forked daemon) are found by the
    /// step's RUNBOOK_RUN and RUNBOOK_STEP in their environment when the step ends, stopped and reaped:
    /// none outlives the step.
    @Test func processesThatLeftTheGroupAreStoppedWhenTheStepEnds() async throws {
        let sandbox = try StepSandbox()
        let script = """
            setsid sh -c 'echo $$ > escaped; exec sleep 30' &
            ( setsid sh -c 'echo $$ > daemon; trap "" TERM; while :; do sleep 1; done' & ) &
            while [ ! -s escaped ] || [ ! -s daemon ]; do sleep 0.01; done
            echo started
            """
        let command = try sandbox.shell(script, environment: ["RUNBOOK_RUN": "INC0000001-1", "RUNBOOK_STEP": "escape"])
        let outcome = try await StepProcess.run(command, limits: StepLimits(gracePeriod: .milliseconds(300)))
        let escaped = try #require(try sandbox.number(in: "escaped"))
        let daemon = try #require(try sandbox.number(in: "daemon"))
        defer { kill(escaped, SIGKILL); kill(daemon, SIGKILL) }
        #expect(outcome.termination == .exited(0))
        for pid in [escaped, daemon] {
            #expect(kill(pid, 0) != 0 && errno == ESRCH, "pid \(pid) is gone, and reaped")
        }
        let notes = texts(of: outcome.log).filter { $0.hasPrefix("[runbook]") }
        #expect(notes.contains { $0.contains("left the step's process group") }, "\(notes)")
        #expect(notes.contains { $0.hasPrefix("[runbook] still running after 0.300s: sending SIGKILL to pid \(daemon)") }, "the daemon ignores SIGTERM: \(notes)")
        #expect(outcome.duration < .seconds(3))
    }
}
