import Executor
import Foundation

/// The human-readable forms of runs that the CLI prints, in-process and against a server alike.
enum RunText {
    /// `runs list`: one row per run.
    static func table(_ runs: [Run]) -> String {
        let rows = runs.map { run in
            [run.id.description, run.state.rawValue, run.runbook, run.runbookCommit.short,
             "\(run.steps.filter { $0.state == .succeeded }.count)/\(run.steps.count)", Console.printable(run.outcome ?? "")]
        }
        return TextTable.columns([["RUN", "STATE", "RUNBOOK", "WIKI", "STEPS OK", "OUTCOME"]] + rows)
    }

    /// `runs show`: the run, its parameters, and each step with its log (`logs` by step index).
    static func detail(_ run: Run, logs: [Int: String]) -> String {
        var lines = ["run \(run.id): \(run.runbook) (\(run.runbookPath) @ \(run.runbookCommit.short)), \(run.state.rawValue)"]
        if let outcome = run.outcome { lines.append("outcome: \(Console.printable(outcome))") }
        for (name, value) in run.parameters.sorted(by: { $0.key < $1.key }) { lines.append("param: \(name)=\(Console.printable(value))") }
        for (index, step) in run.steps.enumerated() {
            let exit = step.connectionFailed == true ? ", ssh failed (exit 255)"
                : step.exitCode.map { ", exit \($0)" } ?? step.signal.map { ", signal \($0)" } ?? ""
            let took = step.durationSeconds.map { String(format: ", %.2f s", $0) } ?? ""
            let who = step.decidedBy.map { ", decided by \($0)" } ?? ""
            let host = step.host.map { " on \($0)" } ?? ""
            lines.append("\n[\(index + 1)] \(step.id)\(host): \(step.state.rawValue)\(exit)\(took), attempts \(step.attempts)\(who)")
            for part in step.hosts ?? [] {
                let outcome = part.connectionFailed == true ? "ssh failed (exit 255)"
                    : part.exitCode.map { "exit \($0)" } ?? part.signal.map { "signal \($0)" } ?? "-"
                let seconds = part.durationSeconds.map { String(format: "%.2f s", $0) } ?? "-"
                lines.append("    \(part.name): \(part.state.rawValue), \(outcome), \(seconds), attempts \(part.attempts)")
            }
            if let log = logs[index], !log.isEmpty {
                lines.append(Console.printable(log).split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            }
        }
        return lines.joined(separator: "\n")
    }
}
