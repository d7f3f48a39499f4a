import Foundation
import ITIL
import Runbooks
import Wiki

/// A step on every host a selector matches (`hosts=role=db`): at most `parallel=` at once, each host recorded as
/// its own part with its own log, and the step successful when no more than `tolerate=` hosts failed.
extension RunExecution {
    /// One attempt on the hosts that have not yet succeeded (a retry does not run again where the step worked).
    func attemptOnHosts(_ index: Int, _ step: Step, attempt: Int, deadline: ContinuousClock.Instant?) async throws
        -> (Bool, String, [FileChange]) {
        run.steps[index].state = .running
        run.steps[index].attempts = attempt
        if run.steps[index].startedAt == nil { run.steps[index].startedAt = Date() }
        let hosts: [InventoryHost]
        let commands: [(name: String, command: StepCommand)]
        do {
            hosts = try targetHosts(of: step)
            commands = try hosts.filter { host in part(host.name, of: index)?.state != .succeeded }
                .map { host throws(StepLaunchError) in (host.name, try sshCommand(step, on: host)) }
        } catch {
            run.steps[index].state = .failed
            run.steps[index].endedAt = Date()
            run.steps[index].log = RunFolder.logName(index: index, step: step.id)
            return (false, "[runbook] the step could not start: \(error)\n", [])
        }
        if run.steps[index].hosts == nil { run.steps[index].hosts = hosts.map { StepHostRecord(name: $0.name) } }
        post(.stepStarted, "step \(step.id) started on \(commands.count) host\(commands.count == 1 ? "" : "s")"
             + (attempt > 1 ? " (attempt \(attempt))" : ""), step: step.id)
        progress(.stepStarted(index: index, step: run.steps[index], attempt: attempt))
        let outcomes = await Self.runEach(commands, parallel: step.parallel, limits: limits(for: step, deadline: deadline),
                                          cancellation: cancellation) { [progress] host, line in
            progress(.output(index: index, line: "[\(host)] " + line))
        }
        var files: [FileChange] = []
        var output = ""
        for (name, outcome) in outcomes {
            let log = RunFolder.hostLogName(index: index, step: step.id, host: name)
            record(outcome, host: name, index: index, log: log)
            files.append(FileChange.write(path: RunFolder.path(of: run.id) + "/" + log, contents: Data(outcome.log.utf8)))
            output += "[runbook] == \(name) ==\n" + outcome.log
        }
        settleHosts(index, tolerate: step.tolerate)
        return (run.steps[index].state == .succeeded, summary(of: run.steps[index].hosts ?? []) + output, files)
    }

    /// Runs each command, at most `parallel` at a time, and returns each outcome by host name.
    private static func runEach(
        _ commands: [(name: String, command: StepCommand)], parallel: Int, limits: StepLimits, cancellation: StepCancellation,
        onLine: @escaping @Sendable (String, String) -> Void
    ) async -> [(String, StepOutcome)] {
        await withTaskGroup(of: (String, StepOutcome).self) { group in
            var queue = commands[...]
            func startNext() {
                guard let (name, command) = queue.popFirst() else { return }
                group.addTask {
                    do {
                        return (name, try await StepProcess.run(command, limits: limits, cancellation: cancellation, onLine: { onLine(name, $0) }))
                    } catch {
                        return (name, StepOutcome(termination: .exited(255), log: "[runbook] \(error)\n", outputBytes: 0, droppedBytes: 0,
                                                  startedAt: Date(), duration: .zero))
                    }
                }
            }
            for _ in 0..<max(1, parallel) { startNext() }
            var outcomes: [(String, StepOutcome)] = []
            for await outcome in group {
                outcomes.append(outcome)
                startNext()
            }
            return outcomes.sorted { $0.0 < $1.0 }
        }
    }

    private func part(_ name: String, of index: Int) -> StepHostRecord? {
        run.steps[index].hosts?.first { $0.name == name }
    }

    /// Copies one host's outcome into its part of the step's record.
    private func record(_ outcome: StepOutcome, host name: String, index: Int, log: String) {
        guard let position = run.steps[index].hosts?.firstIndex(where: { $0.name == name }) else { return }
        var part = run.steps[index].hosts![position]
        part.attempts += 1
        (part.exitCode, part.signal, part.connectionFailed) = (nil, nil, nil)
        switch outcome.termination {
        case .exited(255): part.state = .failed; part.connectionFailed = true
        case .exited(let status): part.state = status == 0 ? .succeeded : .failed; part.exitCode = status
        case .signaled(let signal): part.state = .failed; part.signal = signal
        case .timedOut: part.state = .timedOut
        case .canceled: part.state = canceledBy.interrupting ? .interrupted : .canceled
        }
        part.durationSeconds = Double(outcome.duration.components.seconds) + Double(outcome.duration.components.attoseconds) / 1e18
        part.log = log
        part.outputBytes = outcome.outputBytes
        part.droppedBytes = outcome.droppedBytes
        run.steps[index].hosts![position] = part
    }

    /// The step's own state from its hosts': succeeded when at most `tolerate` failed, else the worst of them.
    private func settleHosts(_ index: Int, tolerate: Int) {
        let parts = run.steps[index].hosts ?? []
        let failed = parts.filter { $0.state != .succeeded }
        let states = Set(failed.map(\.state))
        var step = run.steps[index]
        step.state = failed.count <= tolerate ? .succeeded
            : states.contains(.canceled) ? .canceled : states.contains(.interrupted) ? .interrupted
            : states.contains(.timedOut) ? .timedOut : .failed
        step.exitCode = step.state == .succeeded ? 0 : nil
        step.endedAt = Date()
        step.durationSeconds = parts.compactMap(\.durationSeconds).max()
        step.log = RunFolder.logName(index: index, step: step.id)
        step.outputBytes = parts.compactMap(\.outputBytes).reduce(0, +)
        step.droppedBytes = parts.compactMap(\.droppedBytes).reduce(0, +)
        run.steps[index] = step
    }

    /// The top of the step's own log: one line per host, with its outcome and log.
    private func summary(of parts: [StepHostRecord]) -> String {
        parts.map { part in
            let outcome = RunExecution.describe(part)
            let seconds = part.durationSeconds.map { String(format: " in %.3fs", $0) } ?? ""
            return "[runbook] \(part.name): \(outcome)\(seconds), log \(part.log ?? "none")\n"
        }.joined()
    }
}
