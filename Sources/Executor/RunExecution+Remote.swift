import Foundation
import ITIL
import Runbooks

/// Steps on inventory hosts: which hosts, and the `ssh` command that runs a step on one.
extension RunExecution {
    /// The path of the system OpenSSH client.
    static let sshClient = "/usr/bin/ssh"

    /// The hosts `step` runs on, from the run's inventory; throws when a host is not there or cannot be used.
    func targetHosts(of step: Step) throws(StepLaunchError) -> [InventoryHost] {
        let inventory = plan.inventory
        let hosts: [InventoryHost]
        switch step.target {
        case .server:
            return []
        case .host(let name):
            hosts = [try inventoryHost(name, for: step)]
        case .hostParameter(let parameter):
            // The parameter's pattern passed before the run started; the value must also be an inventory name.
            guard let name = plan.parameters[parameter] else {
                throw StepLaunchError(executable: "ssh", reason: "host=${\(parameter)}: the run has no value for \(parameter)")
            }
            hosts = [try inventoryHost(name, for: step, via: parameter)]
        case .hosts(let selector):
            hosts = inventory.hosts(matching: selector)
            guard !hosts.isEmpty else {
                throw StepLaunchError(executable: "ssh", reason: "hosts=\(selector): no host of \(Inventory.path) has these labels")
            }
        }
        for host in hosts where inventory.knownHosts.pinned[host.name] == nil {
            throw StepLaunchError(executable: "ssh", reason: "host \(host.name) has no pinned key in \(Inventory.knownHostsPath); "
                + "run `runbook hosts trust \(host.name)` and commit the line it prints")
        }
        return hosts
    }

    private func inventoryHost(_ name: String, for step: Step, via parameter: String? = nil) throws(StepLaunchError) -> InventoryHost {
        guard let host = plan.inventory.hosts[name] else {
            let origin = parameter.map { " (the value of \($0))" } ?? ""
            throw StepLaunchError(executable: "ssh", reason: "'\(name)'\(origin) is not a host of \(Inventory.path) at this run's commit")
        }
        return host
    }

    /// The generated ssh configuration, written once per run: the inventory is pinned to the run's commit.
    private func sshConfigurationPath(dataDirectory: String) throws(StepLaunchError) -> String {
        if let sshConfiguration { return sshConfiguration }
        do {
            let path = try SSHConfiguration(inventory: plan.inventory, dataDirectory: dataDirectory, connectTimeout: settings.connectTimeout,
                                            persist: settings.connectionPersist).path
            sshConfiguration = path
            return path
        } catch {
            throw StepLaunchError(executable: "ssh", reason: "cannot write the ssh configuration: \(error)")
        }
    }

    /// The command that runs `step` on `host`: `ssh -F CONFIG NAME BOOTSTRAP`, the script and parameters on its input.
    ///
    /// `ssh` gets a fixed environment of its own; the step's variables travel in the input, so the local `ssh` carries
    /// no `RUNBOOK_RUN` marker, and the connection it leaves for the next step is not taken for an escaped process.
    func sshCommand(_ step: Step, on host: InventoryHost) throws(StepLaunchError) -> StepCommand {
        guard let dataDirectory = settings.dataDirectory else {
            throw StepLaunchError(executable: "ssh", reason: "remote steps need a data directory (RUNBOOK_HOME) for keys and ssh configuration")
        }
        guard let remote = RemoteBootstrap.command(language: step.language, grace: settings.gracePeriod) else {
            throw StepLaunchError(executable: "ssh", reason: "no remote interpreter for '\(step.language)'")
        }
        EscapedProcesses.reapClosedConnections()
        let configuration = try sshConfigurationPath(dataDirectory: dataDirectory)
        guard FileManager.default.fileExists(atPath: SecretStore(dataDirectory: dataDirectory).path(of: host.key)) else {
            throw StepLaunchError(executable: "ssh", reason: "host \(host.name) logs in with secret '\(host.key)', which is not set "
                + "(runbook secrets set \(host.key) < PRIVATE-KEY-FILE)")
        }
        var environment = plan.environment(incident: run.id.incident.description, run: run.id.description, step: step, workDirectory: "")
        for local in ["PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "RUNBOOK_WORKDIR"] { environment[local] = nil }
        environment["RUNBOOK_HOST"] = host.name
        var command = StepCommand(
            executable: Self.sshClient, arguments: ["-F", configuration, "-T", "--", host.name, remote],
            environment: ["PATH": Interpreter.searchPath, "HOME": workDirectory, "LANG": "C.UTF-8"], workingDirectory: workDirectory)
        command.input = RemoteBootstrap.input(environment: environment, code: step.code)
        command.redaction = plan.redaction
        return command
    }
}
