import Executor
import Foundation

/// Prints a run's progress as it happens: each step's start, its output, and how it ended.
final class ProgressPrinter: Sendable {
    /// The server the run is on, when it is not this process: the approval hint goes through it.
    let server: URL?

    init(server: URL? = nil) {
        self.server = server
    }

    func show(_ event: RunProgress) {
        switch event {
        case .queued(let run):
            Console.out("run \(run.id): \(run.runbook) at wiki \(run.runbookCommit.short), \(run.steps.count) step\(run.steps.count == 1 ? "" : "s") (queued)")
        case .started:
            break
        case .stepStarted(let index, let step, let attempt):
            let again = attempt > 1 ? " (attempt \(attempt))" : ""
            let place = step.host.map { " on \($0)" } ?? step.hosts.map { " on \($0.count) host\($0.count == 1 ? "" : "s")" } ?? ""
            Console.out("==> [\(index + 1)] \(step.title) [\(step.id), \(step.language)]\(place)\(again)")
        case .output(_, let line):
            Console.out("    " + Console.printable(line))
        case .stepEnded(let index, let step, let willRetry):
            let took = step.durationSeconds.map { String(format: " in %.2f s", $0) } ?? ""
            let status = step.state == .succeeded ? "ok" : "\(step.state.rawValue.uppercased())\(Self.detail(step))"
            Console.out("<== [\(index + 1)] \(step.id): \(status)\(took)\(willRetry ? ", retrying" : "")")
        case .awaitingApproval(let index, let step, let run):
            Console.out("||  [\(index + 1)] \(step.id) needs approval. From another terminal:")
            // The binary as it was invoked, so the hint works when `runbook` is not on PATH.
            let binary = CommandLine.arguments.first ?? "runbook"
            if let server {
                // The server names the token's holder as the decider: no --as.
                Console.out("      \(binary) runs approve \(run) --server \(server.absoluteString) --token TOKEN")
                Console.out("      \(binary) runs deny \(run) --server \(server.absoluteString) --token TOKEN --reason TEXT")
            } else {
                Console.out("      \(binary) runs approve \(run) --as NAME")
                Console.out("      \(binary) runs deny \(run) --as NAME --reason TEXT")
            }
        case .ended(let run):
            let took = run.endedAt.map { String(format: " in %.1f s", $0.timeIntervalSince(run.createdAt)) } ?? ""
            Console.out("run \(run.id) \(run.state.rawValue)\(took)" + (run.outcome.map { ": \($0)" } ?? ""))
        case .suspended(let run):
            Console.out("run \(run.id) left \(run.state.rawValue): the server shut down; the next one to start takes it up")
        }
    }

    private static func detail(_ step: StepRecord) -> String {
        if let code = step.exitCode { return " (exit \(code))" }
        if let signal = step.signal { return " (signal \(signal))" }
        return ""
    }
}
