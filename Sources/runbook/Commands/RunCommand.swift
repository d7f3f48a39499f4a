import ArgumentParser
import Executor
import Foundation
import ITIL
import RunbookAPI
import Runbooks

/// `runbook run`: a runbook by id, with chosen parameters, without an alert.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a runbook by id with chosen parameters, recorded on an incident, showing progress.",
        discussion: """
            Parameters are given by name (--param HOST=db1) and checked exactly as values from an alert are: \
            patterns, size, NUL bytes; a secret parameter cannot be given. The run is recorded on --incident INC…, \
            on a new incident (--open), or else as a job of its own (JOB…) on the audit branch, which pages nobody. \
            Runs from the wiki's committed content at its current commit. Exits 0 only if the run succeeded.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var executor: ExecutorOptions
    @OptionGroup var actor: ActorOption
    @OptionGroup var server: ServerOptions

    @Argument(help: "The runbook's id (disk-full) or path (runbooks/disk-full.md).") var runbook: String

    @Option(name: .customLong("param"), help: ArgumentHelp("A parameter's value (repeat for more).", valueName: "NAME=value"))
    var params: [String] = []

    @Option(help: ArgumentHelp("Record the run on this incident (without it or --open, the run is a job of its own).",
                               valueName: "INC…")) var incident: String?

    @Flag(help: "Open a new incident to record the run on.") var open = false

    func validate() throws {
        _ = try given()
        switch (incident, open) {
        case (.some, true): throw ValidationError("give --incident or --open, not both")
        case (let text?, false) where IncidentNumber(parsing: text)?.isJob != false: throw ValidationError("--incident '\(text)' is not like INC0000042")
        default: break
        }
    }

    private func given() throws -> [String: String] {
        try LabelArguments.parse(params, option: "--param")
    }

    private var target: RunLauncher.OnDemandTarget {
        if let number = incident.flatMap(IncidentNumber.init(parsing:)) { return .incident(number) }
        return open ? .open : .job
    }

    func run() async throws {
        if let client = try server.httpClient() { return try await ClientCall.run { try await self.run(on: client) } }
        let library = try store.wikiOptions.library()
        guard let chosen = library.runbook(runbook) else {
            let problems = library.page(runbook)?.errors.map(\.description).joined(separator: "; ")
            throw CLIError(problems.map { "runbook '\(runbook)' has errors: \($0)" } ?? "no runbook '\(runbook)' at \(library.commit.short)")
        }
        let incidents = try store.openStore()
        let settings = executor.settings(for: incidents)
        let follower = AuditFollower(store: incidents)
        defer { follower.stop() }
        let printer = ProgressPrinter()
        let launcher = RunLauncher(store: incidents, settings: settings)
        let reserved = try await launcher.reserve(chosen, at: library.commit, given: try given(), on: target, actor: actor.actor,
                                                  inventory: library.inventory)
        let running = Task { try await launcher.runReserved(reserved, progress: { printer.show($0) }) }
        let interrupts = InterruptWatch { running.cancel() }
        let run = try await running.value
        withExtendedLifetime(interrupts) {}
        Console.out(try Self.outcome(of: run) { try incidents.incident($0).state.title })
        if run.state != .succeeded { throw ExitCode.failure }
    }

    /// Through a server: it checks the values, links the run and runs it; this follows its events.
    private func run(on client: HTTPClient) async throws {
        actor.noteIgnoredAgainstServer()
        let started = try await client.startRun(runbook, APIBody.NewRun(params: try given(), incident: incident, open: open ? true : nil))
        guard let id = RunID(parsing: started.run) else { throw CLIError("the server named a run '\(started.run)' this client cannot read") }
        var follower = RunFollower(client: client)
        let run = try await follower.follow(id)
        let state = run.id.incident.isJob ? "" : try await client.incident(run.id.incident).state.title
        Console.out(try Self.outcome(of: run) { _ in state })
        if run.state != .succeeded { throw ExitCode.failure }
    }

    /// The last line: where the run's incident stands, or for a job how its run ended.
    private static func outcome(of run: Run, incidentState: (IncidentNumber) throws -> String) throws -> String {
        let owner = run.id.incident
        return owner.isJob ? "\(owner) \(run.state.rawValue)" : "\(owner) is \(try incidentState(owner))"
    }
}
