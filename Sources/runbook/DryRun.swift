import ArgumentParser
import Executor
import Runbooks

/// `trigger --dry-run`: the plan and each step's environment, with nothing opened or run.
enum DryRun {
    static func show(_ alert: AlertTrigger, library: RunbookLibrary) throws {
        let decision = MatchDecision(labels: alert.labels, runbooks: library.runbooks)
        guard let runbook = decision.chosen else {
            Console.out("dry run: no runbook matches at \(library.commit.short); the incident would stay New")
            throw ExitCode.failure
        }
        Console.out("dry run: would open an incident and run \(runbook.id) (\(runbook.path) @ \(library.commit.short))")
        let plan: RunPlan
        do {
            plan = try RunPlan(runbook: runbook, labels: alert.labels, annotations: alert.annotations)
        } catch {
            Console.out("the run would be refused, nothing would run: \(error.problems.joined(separator: "; "))")
            throw ExitCode.failure
        }
        for (index, step) in runbook.steps.enumerated() {
            let interpreter = Interpreter.path(for: step.language) ?? "(no \(step.language) on \(Interpreter.searchPath))"
            var flags: [String] = []
            if step.approve { flags.append("needs approval") }
            if let timeout = step.timeout { flags.append("timeout \(timeout)") }
            if step.retries > 0 { flags.append("retries \(step.retries)") }
            if step.onFailure == .continue { flags.append("on failure continue") }
            Console.out("\nstep \(index + 1)/\(runbook.steps.count): \(step.title) [\(step.id)] \(flags.joined(separator: ", "))")
            Console.out("  runs: \(interpreter) <script from line \(step.line)>")
            let environment = plan.environment(incident: "INC???????", run: "INC???????-1", step: step, workDirectory: "<work directory>")
            for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
                Console.out("  env:  \(name)=\(Console.printable(value))")
            }
        }
    }
}
