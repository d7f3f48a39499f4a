import ArgumentParser
import Executor
import Foundation
import ITIL
import Runbooks

/// `runbook trigger`: an alert from the command line, end to end, in this process.
struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger",
        abstract: "Open (or dedup) the incident for an alert and run the runbook that matches it, showing progress.",
        discussion: """
            Runbooks run from the wiki's committed content at its current commit, never from a work tree. \
            Labels and annotations reach steps only as the environment variables the runbook's parameters \
            name. Exits 0 only if a run happened and succeeded.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var executor: ExecutorOptions
    @OptionGroup var actor: ActorOption
    @OptionGroup var server: ServerOptions

    @Option(name: .customLong("label"), help: ArgumentHelp("An alert label (repeat for more).", valueName: "key=value"))
    var labels: [String] = []

    @Option(name: .customLong("annotation"), help: ArgumentHelp("An alert annotation (repeat for more).", valueName: "key=value"))
    var annotations: [String] = []

    @Option(help: "One line for the incident (default: the summary annotation, else the alert name).")
    var summary: String?

    @Option(help: ArgumentHelp("Identity for dedup (default: a fingerprint of the labels).", valueName: "key"))
    var dedupKey: String?

    @Flag(help: "Show the plan and each step's environment without opening an incident or running anything.")
    var dryRun = false

    func validate() throws {
        if labels.isEmpty { throw ValidationError("give at least one --label KEY=VALUE") }
        _ = try LabelArguments.parse(labels)
        _ = try LabelArguments.parse(annotations, option: "--annotation")
    }

    func run() async throws {
        if let client = try server.httpClient() { return try await ClientCall.run { try await self.run(on: client) } }
        let alert = AlertTrigger(
            labels: try LabelArguments.parse(labels), annotations: try LabelArguments.parse(annotations, option: "--annotation"),
            summary: summary, source: "cli", key: dedupKey)
        let library = try store.wikiOptions.library()
        let broken = library.pages.filter { $0.runbook == nil }.map(\.path)
        if !broken.isEmpty {
            Console.note("not considered, they have errors (see runbook lint): " + broken.joined(separator: ", "))
        }
        if dryRun { return try DryRun.show(alert, library: library) }
        let incidents = try store.openStore()
        let settings = executor.settings(for: incidents)
        for run in try await RunRegistry(store: incidents, settings: settings).markInterrupted() {
            Console.note("run \(run.id) was interrupted earlier: \(run.outcome ?? "")")
        }
        // A decision or cancel from another terminal is a commit by another process: following the audit
        // branch is how this one hears of it.
        let follower = AuditFollower(store: incidents)
        defer { follower.stop() }
        let printer = ProgressPrinter()
        let launcher = RunLauncher(store: incidents, settings: settings)
        let actorName = actor.actor
        let running = Task { try await launcher.trigger(alert, library: library, actor: actorName, progress: { printer.show($0) }) }
        let interrupts = InterruptWatch { running.cancel() }
        let result = try await running.value
        withExtendedLifetime(interrupts) {}
        try report(result)
    }

    /// Says what happened and exits non-zero unless a run succeeded.
    private func report(_ result: TriggerResult) throws {
        let incident = result.incident
        switch result {
        case .ran(_, let run):
            Console.out("\(incident.number) is \(incident.state.title)")
            if run.state != .succeeded { throw ExitCode.failure }
        case .deduplicated:
            let count = incident.alerts.map(\.occurrences).max() ?? 0
            Console.out("\(incident.number) is already open for this alert (occurrence \(count)); nothing new runs")
            throw ExitCode.failure
        case .silenced(_, let silence):
            Console.out("opened \(incident.number): the alert matches silence \(silence), so nothing runs and nobody is paged")
        case .noMatch(_, let decision):
            Console.out("opened \(incident.number): no runbook matches, so it stays New")
            for candidate in decision.candidates { Console.out("  \(candidate.runbook.id): \(candidate.reason)") }
            throw ExitCode.failure
        }
    }
}
