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
            plan = try RunPlan(runbook: runbook, labels: alert.labels, annotations: alert.annotations, inventory: library.inventory,
                               secrets: SecretStore(dataDirectory: DataDirectory.current.path))
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
            Console.out("  runs: \(placement(of: step, plan: plan, interpreter: interpreter)) <script from line \(step.line)>")
            let environment = plan.environment(incident: "INC???????", run: "INC???????-1", step: step, workDirectory: "<work directory>")
            for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
                let secret = runbook.parameters.contains { $0.name == name && $0.isSecret }
                Console.out("  env:  \(name)=\(secret ? "<secret>" : Console.printable(value))")
            }
        }
    }

    /// What a step on host `name` would meet when the name is not in the inventory.
    private static func unknown(_ name: String, in plan: RunPlan) -> String {
        plan.inventory.hosts[name] == nil ? " (not in the inventory: it would fail)" : ""
    }

    /// Where a step would run: here with its interpreter, or on which inventory hosts over ssh.
    private static func placement(of step: Step, plan: RunPlan, interpreter: String) -> String {
        switch step.target {
        case .server: return interpreter
        case .host(let name): return "\(step.language) on \(name) over ssh" + unknown(name, in: plan)
        case .hostParameter(let parameter):
            let name = plan.parameters[parameter] ?? "?"
            return "\(step.language) on \(name) (from \(parameter)) over ssh" + unknown(name, in: plan)
        case .hosts(let selector):
            let hosts = plan.inventory.hosts(matching: selector).map(\.name)
            return "\(step.language) on \(hosts.isEmpty ? "no host" : hosts.joined(separator: ", ")) (hosts=\(selector), \(step.parallel) at once, "
                + "tolerating \(step.tolerate) failed) over ssh"
        }
    }
}
