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
    /// NAME → value, from the alert or the parameter's default: what the run records.
    public let parameters: [String: String]
    /// NAME → value of the `from: secret.X` parameters, never recorded: read from the store for each run.
    let secretParameters: [String: String]
    /// Secret name → value, for redacting the step's output.
    let secretValues: [String: String]
    /// The wiki's inventory at the run's commit: the hosts remote steps may use.
    public let inventory: Inventory

    /// Resolves the runbook's parameters from an alert, and its secrets from `secrets`.
    ///
    /// - Throws: ``RunRefusal`` naming every parameter that is missing or whose value is refused.
    public init(runbook: Runbook, labels: [String: String], annotations: [String: String], inventory: Inventory = .empty,
                secrets: SecretStore? = nil) throws(RunRefusal) {
        try self.init(runbook: runbook, inventory: inventory, secrets: secrets, missing: "the alert has no") { parameter in
            parameter.source?.value(labels: labels, annotations: annotations).map { ($0, "from \(parameter.source!)") }
        }
    }

    /// Resolves the parameters of a run asked for by hand: `given` by parameter name, checked exactly as values from an
    /// alert are (patterns, size, NUL); a name the runbook does not declare, or a secret, is refused.
    public init(runbook: Runbook, given: [String: String], inventory: Inventory = .empty, secrets: SecretStore? = nil) throws(RunRefusal) {
        var problems: [String] = []
        for name in given.keys.sorted() {
            guard let parameter = runbook.parameters.first(where: { $0.name == name }) else {
                let known = runbook.parameters.map(\.name).joined(separator: ", ")
                problems.append("\(name): no such parameter (known: \(known.isEmpty ? "none" : known))")
                continue
            }
            if case .secret(let secret) = parameter.source {
                problems.append("\(name): comes from secret.\(secret) and cannot be given by hand")
            }
        }
        guard problems.isEmpty else { throw RunRefusal(runbook: runbook.id, problems: problems) }
        try self.init(runbook: runbook, inventory: inventory, secrets: secrets, missing: "no --param for") { parameter in
            given[parameter.name].map { ($0, "given") }
        }
    }

    /// Resolves each parameter with `value` (the value and where it came from), else its default.
    private init(runbook: Runbook, inventory: Inventory, secrets: SecretStore?, missing: String,
                 value: (Parameter) -> (String, origin: String)?) throws(RunRefusal) {
        var values: [String: String] = [:]
        var problems: [String] = []
        let (secretParameters, secretValues) = Self.secrets(of: runbook, from: secrets, problems: &problems)
        for parameter in runbook.parameters where !parameter.isSecret {
            guard let (value, origin) = value(parameter) ?? parameter.defaultValue.map({ ($0, "its default") }) else {
                if parameter.required {
                    problems.append("\(parameter.name): required, but \(missing) \(parameter.source.map { "\($0)" } ?? "value for it")")
                }
                continue
            }
            if let problem = parameter.validate(value) {
                problems.append("\(parameter.name) (\(origin)): \(problem)")
                continue
            }
            values[parameter.name] = value
        }
        guard problems.isEmpty else { throw RunRefusal(runbook: runbook.id, problems: problems) }
        self.runbook = runbook
        self.parameters = values
        self.secretParameters = secretParameters
        self.secretValues = secretValues
        self.inventory = inventory
    }

    /// The plan of a run that already resolved its parameters (one resumed after a restart): they were checked
    /// when it was made, and are what its earlier steps got. Secrets are read again: they were never recorded.
    public init(runbook: Runbook, recorded parameters: [String: String], inventory: Inventory = .empty, secrets: SecretStore? = nil) {
        var problems: [String] = []
        self.runbook = runbook
        self.parameters = parameters
        (secretParameters, secretValues) = Self.secrets(of: runbook, from: secrets, problems: &problems)
        self.inventory = inventory
    }

    /// The values of the runbook's secret parameters, and every secret they name (with the inventory's keys left out:
    /// ssh reads those from their files, and they never reach a step).
    private static func secrets(of runbook: Runbook, from store: SecretStore?, problems: inout [String])
        -> (parameters: [String: String], values: [String: String]) {
        var parameters: [String: String] = [:]
        var values: [String: String] = [:]
        for parameter in runbook.parameters {
            guard case .secret(let name) = parameter.source else { continue }
            let value: String?
            do {
                value = try store?.value(of: name)
            } catch {
                problems.append("\(parameter.name) (from secret.\(name)): \(error)")
                continue
            }
            guard let value = value ?? parameter.defaultValue else {
                if parameter.required {
                    problems.append("\(parameter.name): required, but there is no secret '\(name)' (runbook secrets set \(name))")
                }
                continue
            }
            if parameter.validate(value) != nil {
                // Not the check's own message: it would quote the value.
                problems.append("\(parameter.name) (from secret.\(name)): the secret's value fails the parameter's check (size, NUL or pattern)")
                continue
            }
            parameters[parameter.name] = value
            values[name] = value
        }
        return (parameters, values)
    }

    /// The redaction of every secret value a step of this run can see.
    var redaction: Redaction {
        Redaction(secrets: secretValues)
    }

    /// The environment of a step: a fixed base, the run's identity, and the parameters. Nothing
    /// of the server's own environment is passed on. A job's run (`incident` is `JOB…`) gets `RUNBOOK_JOB`
    /// and an empty `RUNBOOK_INCIDENT`, so a script that reports to its incident sees it has none.
    public func environment(incident: String, run: String, step: Step, workDirectory: String) -> [String: String] {
        let job = incident.hasPrefix("JOB")
        var environment = [
            "PATH": Interpreter.searchPath,
            "HOME": workDirectory,
            "TMPDIR": workDirectory,
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "RUNBOOK_INCIDENT": job ? "" : incident,
            "RUNBOOK_JOB": job ? incident : "",
            "RUNBOOK_RUN": run,
            "RUNBOOK_STEP": step.id,
            "RUNBOOK_WORKDIR": workDirectory,
        ]
        // Parameter names never collide with these: the parser refuses PATH, HOME, TMPDIR, LANG,
        // LC_* and RUNBOOK_* as names.
        environment.merge(parameters) { base, _ in base }
        environment.merge(secretParameters) { base, _ in base }
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
