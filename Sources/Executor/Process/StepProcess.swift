import Foundation

/// Runs one runbook step as a real process, safely.
///
/// The process is the leader of a new process group, reads /dev/null, writes stdout and stderr into one pipe
/// (so their order is kept), starts in the command's directory with exactly the command's environment, and
/// with every signal at its default and unblocked. Its output becomes a timestamped log (format in `StepLog`):
///
///     [   0.003s] checking disk usage
///     [   1.250s] /var is 91% full
///
/// Stopping (timeout or cancel): SIGTERM to the whole group, `gracePeriod`, then SIGKILL to the group. When the
/// process exits by itself, whatever it left running in its group is killed at once, so no descendant outlives
/// the step. A process that leaves the group (`setsid`, `set -m`) escapes this; the output is then read for at
/// most 2 seconds more and the log says so.
public enum StepProcess {
    /// Runs the command to completion (or timeout/cancel) and returns what happened; throws only when it could not start.
    ///
    /// - Parameters:
    ///   - limits: the timeout, the grace period between SIGTERM and SIGKILL, and how much output is kept.
    ///   - cancellation: stops the step when canceled; canceling the calling task does the same. Already canceled,
    ///     the process is not started and the outcome is `.canceled`.
    ///   - onStart: called with the step's pid, which is also its process group, once it runs: the caller can
    ///     record it so that a later process can clean up after a crash.
    ///   - onLine: each log line (with its time prefix, without the newline) as soon as it is read, for live
    ///     progress. Called in order on the step's supervising thread, so it should return quickly; not called
    ///     for output past the cap, but called for the truncation marker and the executor's other notes.
    /// - Throws: `StepLaunchError` when the process could not be started (missing interpreter or directory, an
    ///   environment value with a NUL byte or too long for Linux).
    public static func run(_ command: StepCommand, limits: StepLimits = StepLimits(), cancellation: StepCancellation = StepCancellation(),
                           onLine: @escaping @Sendable (String) -> Void = { _ in },
                           onStart: (pid_t) -> Void = { _ in }) async throws -> StepOutcome {
        let startedAt = Date()
        if cancellation.isCanceled || Task.isCancelled {
            return StepOutcome(termination: .canceled, log: "", outputBytes: 0, droppedBytes: 0, startedAt: startedAt, duration: .zero)
        }
        let start = ContinuousClock.now
        let child = try ChildProcess.spawn(command)
        onStart(child.pid)
        let taskCancellation = StepCancellation()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                SupervisorThreads.shared.run {
                    let supervisor = StepSupervisor(child: child, markers: EscapedProcesses.markers(in: command.environment), limits: limits,
                                                    cancellations: [cancellation, taskCancellation],
                                                    start: start, input: command.input ?? [], endsInput: command.endsInputWhenWritten,
                                                    redaction: command.redaction, onLine: onLine)
                    continuation.resume(returning: supervisor.run(startedAt: startedAt))
                }
            }
        } onCancel: {
            taskCancellation.cancel()
        }
    }
}
