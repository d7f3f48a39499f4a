import Foundation
import ITIL
import Runbooks
import Wiki

/// A step's attempts: its script, its process, its record and log.
extension RunExecution {

    /// Runs a step with its retries; true when it succeeded.
    func runStep(_ index: Int, _ step: Step, deadline: ContinuousClock.Instant?) async throws -> Bool {
        let delay = step.retryDelay.map { Duration.milliseconds(Int64($0.seconds * 1000)) } ?? .zero
        for attempt in 1...(step.retries + 1) {
            let (succeeded, log, hostLogs) = try await self.attempt(index, step, attempt: attempt, deadline: deadline)
            // No retry the run's timeout would cut off before it starts.
            let timeLeft = deadline.map { $0 > .now + delay } ?? true
            let willRetry = !succeeded && attempt <= step.retries && !cancellation.isCanceled && timeLeft
            let logFile = FileChange.write(path: RunFolder.path(of: run.id) + "/" + RunFolder.logName(index: index, step: step.id),
                                           contents: Data(log.utf8))
            post(.stepEnded, "step \(step.id) \(Self.describe(run.steps[index]))", step: step.id, files: [logFile] + hostLogs)
            progress(.stepEnded(index: index, step: run.steps[index], willRetry: willRetry))
            if succeeded { return true }
            guard willRetry else { return false }
            if delay > .zero { await sleepUnlessCanceled(for: delay) }
            // A cancel during the delay ends the step as it is: no attempt is recorded that never ran.
            if cancellation.isCanceled { return false }
        }
        return false
    }

    /// One attempt on the server, on one host, or on each host of a fan-out; the log, and each host's log file.
    private func attempt(_ index: Int, _ step: Step, attempt: Int, deadline: ContinuousClock.Instant?) async throws
        -> (Bool, String, [FileChange]) {
        if case .hosts = step.target { return try await attemptOnHosts(index, step, attempt: attempt, deadline: deadline) }
        let (succeeded, log) = try await attemptStep(index, step, attempt: attempt, deadline: deadline)
        return (succeeded, log, [])
    }

    /// One attempt: writes the script, runs it, records the outcome. True on exit status 0, with the attempt's log.
    private func attemptStep(_ index: Int, _ step: Step, attempt: Int, deadline: ContinuousClock.Instant?) async throws -> (Bool, String) {
        run.steps[index].state = .running
        run.steps[index].attempts = attempt
        if run.steps[index].startedAt == nil { run.steps[index].startedAt = Date() }
        let log: String
        do {
            // The start is committed once the process runs, with its process group for crash cleanup.
            let outcome = try await execute(step, index: index, deadline: deadline) { pid in
                run.steps[index].processGroup = pid
                post(.stepStarted, "step \(step.id) started" + (attempt > 1 ? " (attempt \(attempt))" : ""), step: step.id)
                progress(.stepStarted(index: index, step: run.steps[index], attempt: attempt))
            }
            run.steps[index].processGroup = nil
            record(outcome, index: index, remote: step.target != .server)
            log = outcome.log
        } catch {
            run.steps[index].state = .failed
            run.steps[index].exitCode = nil
            run.steps[index].endedAt = Date()
            run.steps[index].log = RunFolder.logName(index: index, step: step.id)
            log = "[runbook] the step could not start: \(error)\n"
            progress(.output(index: index, line: log.trimmingCharacters(in: .newlines)))
        }
        return (run.steps[index].state == .succeeded, log)
    }

    /// Starts the step's process (its interpreter here, or `ssh` to its host) and waits for it.
    private func execute(
        _ step: Step, index: Int, deadline: ContinuousClock.Instant?, onStart: (pid_t) -> Void
    ) async throws -> StepOutcome {
        let command: StepCommand
        if let host = try targetHosts(of: step).first {
            run.steps[index].host = host.name
            command = try sshCommand(step, on: host)
        } else {
            command = try localCommand(step)
        }
        let progress = self.progress
        return try await StepProcess.run(
            command, limits: limits(for: step, deadline: deadline), cancellation: cancellation,
            onLine: { progress(.output(index: index, line: $0)) },
            onStart: onStart)
    }

    /// A step's timeout, cut to what is left of the run's.
    func limits(for step: Step, deadline: ContinuousClock.Instant?) -> StepLimits {
        var timeout = step.timeout.map { Duration.milliseconds(Int64($0.seconds * 1000)) }
        if let deadline {
            let left = deadline - .now
            timeout = timeout.map { min($0, left) } ?? left
        }
        return StepLimits(timeout: timeout, gracePeriod: settings.gracePeriod, outputCap: settings.outputCap)
    }

    /// The interpreter running the step's script on this machine.
    private func localCommand(_ step: Step) throws -> StepCommand {
        guard let interpreter = Interpreter.path(for: step.language) else {
            throw StepLaunchError(executable: step.language, reason: "no interpreter for this language on \(Interpreter.searchPath)")
        }
        // One file rewritten for each step in turn (steps of a run never overlap): truncating a file
        // is cheaper than creating one, which on some file systems costs more than the step itself.
        let script = scriptDirectory + "/step.script"
        try Self.writeScript(step.code, to: script)
        let environment = plan.environment(
            incident: run.id.incident.description, run: run.id.description, step: step, workDirectory: workDirectory)
        var command = StepCommand(executable: interpreter, arguments: [script], environment: environment, workingDirectory: workDirectory)
        command.redaction = plan.redaction
        return command
    }

    /// Writes a step's script, readable by its owner only. A scratch file: no sync to disk.
    ///
    /// Overwritten in place and cut to length after, not truncated first: freeing the old blocks
    /// and allocating them again costs more on ext4 than a short step does.
    private static func writeScript(_ code: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ExecutorError.workDirectory(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let bytes = Array(code.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + offset, $0.count - offset, off_t(offset)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw ExecutorError.workDirectory(path: path, reason: String(cString: strerror(errno))) }
            offset += written
        }
        guard ftruncate(descriptor, off_t(bytes.count)) == 0 else {
            throw ExecutorError.workDirectory(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Copies a process outcome into the step's record; for a remote step, exit status 255 is ssh's own failure.
    private func record(_ outcome: StepOutcome, index: Int, remote: Bool) {
        var step = run.steps[index]
        step.connectionFailed = nil
        switch outcome.termination {
        case .exited(255) where remote:
            step.state = .failed
            step.exitCode = nil
            step.signal = nil
            step.connectionFailed = true
        case .exited(let status):
            step.state = status == 0 ? .succeeded : .failed
            step.exitCode = status
            step.signal = nil
        case .signaled(let signal):
            step.state = .failed
            step.exitCode = nil
            step.signal = signal
        case .timedOut:
            step.state = .timedOut
        case .canceled:
            step.state = canceledBy.interrupting ? .interrupted : .canceled
        }
        step.endedAt = Date()
        step.durationSeconds = Double(outcome.duration.components.seconds) + Double(outcome.duration.components.attoseconds) / 1e18
        step.log = RunFolder.logName(index: index, step: step.id)
        step.outputBytes = outcome.outputBytes
        step.droppedBytes = outcome.droppedBytes
        run.steps[index] = step
    }


    /// Waits out a retry delay, or less when the run is canceled meanwhile.
    private func sleepUnlessCanceled(for duration: Duration) async {
        let end = ContinuousClock.now + duration
        while true {
            let seen = watch.signal.generation
            guard !cancellation.isCanceled, ContinuousClock.now < end else { return }
            await watch.signal.wait(after: seen, timeout: end - .now)
        }
    }
}
