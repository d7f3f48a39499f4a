import Foundation
import Runbooks

/// What a run of a runbook for an alert would do: the parameters it resolved and, for each step,
/// the command and environment it gets. `runbook trigger --dry-run` prints it; the executor runs it.
///
/// Alert labels and annotations reach steps only as the values of environment variables named by
/// the runbook's parameters, after their patterns accept them; they never become command text.
public struct RunPlan: Sendable {
    /// The runbook, as parsed at the pinned commit.
    public let runbook: Runbook
    /// NAME → value, from the alert or the parameter's default.
    public let parameters: [String: String]

    /// Resolves the runbook's parameters from an alert.
    ///
    /// - Throws: ``RunRefusal`` naming every parameter that is missing or whose value is refused.
    public init(runbook: Runbook, labels: [String: String], annotations: [String: String]) throws(RunRefusal) {
        var values: [String: String] = [:]
        var problems: [String] = []
        for parameter in runbook.parameters {
            let given = parameter.source?.value(labels: labels, annotations: annotations)
            guard let value = given ?? parameter.defaultValue else {
                if parameter.required {
                    problems.append("\(parameter.name): required, but the alert has no \(parameter.source.map { "\($0)" } ?? "value for it")")
                }
                continue
            }
            if let problem = parameter.validate(value) {
                problems.append("\(parameter.name) (from \(parameter.source.map { "\($0)" } ?? "its default")): \(problem)")
                continue
            }
            values[parameter.name] = value
        }
        guard problems.isEmpty else { throw RunRefusal(runbook: runbook.id, problems: problems) }
        self.runbook = runbook
        self.parameters = values
    }

    /// The plan of a run that already resolved its parameters (one resumed after a restart): they were checked
    /// when it was made, and are what its earlier steps got.
    public init(runbook: Runbook, recorded parameters: [String: String]) {
        self.runbook = runbook
        self.parameters = parameters
    }

    /// The environment of a step: a fixed base, the run's identity, and the parameters. Nothing
    /// of the server's own environment is passed on.
    public func environment(incident: String, run: String, step: Step, workDirectory: String) -> [String: String] {
        var environment = [
            "PATH": Interpreter.searchPath,
            "HOME": workDirectory,
            "TMPDIR": workDirectory,
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "RUNBOOK_INCIDENT": incident,
            "RUNBOOK_RUN": run,
            "RUNBOOK_STEP": step.id,
            "RUNBOOK_WORKDIR": workDirectory,
        ]
        // Parameter names never collide with these: the parser refuses PATH, HOME, TMPDIR, LANG,
        // LC_* and RUNBOOK_* as names.
        environment.merge(parameters) { base, _ in base }
        return environment
    }
}

/// Why a run was refused before anything ran.
public struct RunRefusal: Error, Sendable, CustomStringConvertible {
    public let runbook: String
    public let problems: [String]

    public var description: String {
        "run of \(runbook) refused, nothing ran: " + problems.joined(separator: "; ")
    }
}
