import ArgumentParser
import Executor
import Foundation
import ITIL

/// `runbook runs ...`: the runs on the audit branch, and the decisions people make on them.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List and show runs; approve, deny or cancel them (also when another process runs them).",
        subcommands: [List.self, Show.self, Approve.self, Deny.self, Cancel.self]
    )

    /// What every run command needs: the store and the registry over it.
    struct Context: ParsableArguments {
        @OptionGroup var store: StoreOptions
        @OptionGroup var executor: ExecutorOptions
        @OptionGroup var server: ServerOptions

        func registry() throws -> RunRegistry {
            let incidents = try store.openStore()
            return RunRegistry(store: incidents, settings: executor.settings(for: incidents))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, queued and awaiting approval ones included.")

        @OptionGroup var context: Context

        @Option(help: "Only runs in this state (queued, running, awaiting-approval, succeeded, failed, ...).")
        var state: String?

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            if let state, RunState(rawValue: state) == nil {
                throw ValidationError("unknown run state '\(state)'; use one of: \(RunState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            if let client = try context.server.client() { return try await ServerCall.run { try await self.run(on: client) } }
            let registry = try context.registry()
            _ = try await registry.markInterrupted()
            let runs = try registry.runs().filter { state == nil || $0.state.rawValue == state }
            if json { return try Console.json(runs, encoder: RunJSON.encoder) }
            Console.out(RunText.table(runs))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a run: its steps, their status and output.")

        @OptionGroup var context: Context

        @Argument(help: ArgumentHelp("The run, e.g. INC0000001-1.", valueName: "run"))
        var id: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            if let client = try context.server.client() { return try await ServerCall.run { try await self.run(on: client) } }
            let registry = try context.registry()
            let run = try registry.run(RunArgument.parse(id))
            if json { return try Console.json(run, encoder: RunJSON.encoder) }
            var logs: [Int: String] = [:]
            for index in run.steps.indices { logs[index] = try registry.log(of: run, step: index) }
            Console.out(RunText.detail(run, logs: logs))
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve the step a run waits on; the run goes on.")

        @OptionGroup var context: Context
        @OptionGroup var actor: ActorOption

        @Argument(help: ArgumentHelp("The run, e.g. INC0000001-1.", valueName: "run"))
        var id: String

        func run() async throws {
            if let client = try context.server.client() {
                return try await ServerCall.run { try await RunsCommand.decide(id, verdict: "approve", reason: nil, actor: actor, on: client) }
            }
            let step = try await context.registry().decide(RunArgument.parse(id), verdict: .approve, by: actor.actor)
            Console.out("approved \(step) of run \(id) as \(actor.actor)")
        }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deny the step a run waits on; the run stops.")

        @OptionGroup var context: Context
        @OptionGroup var actor: ActorOption

        @Argument(help: ArgumentHelp("The run, e.g. INC0000001-1.", valueName: "run"))
        var id: String

        @Option(help: "Why, for the audit trail.")
        var reason: String

        func run() async throws {
            if let client = try context.server.client() {
                return try await ServerCall.run { try await RunsCommand.decide(id, verdict: "deny", reason: reason, actor: actor, on: client) }
            }
            let step = try await context.registry().decide(RunArgument.parse(id), verdict: .deny, by: actor.actor, reason: reason)
            Console.out("denied \(step) of run \(id) as \(actor.actor)")
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a run: its current step's processes are killed and it stops.")

        @OptionGroup var context: Context
        @OptionGroup var actor: ActorOption

        @Argument(help: ArgumentHelp("The run, e.g. INC0000001-1.", valueName: "run"))
        var id: String

        @Option(help: "Why, for the audit trail.")
        var reason: String?

        func run() async throws {
            if let client = try context.server.client() {
                return try await ServerCall.run { try await RunsCommand.decide(id, verdict: "cancel", reason: reason, actor: actor, on: client) }
            }
            try await context.registry().cancel(RunArgument.parse(id), by: actor.actor, reason: reason)
            Console.out("asked run \(id) to cancel")
        }
    }
}

/// Parses a run id argument with a message that says what is expected.
enum RunArgument {
    static func parse(_ text: String) throws -> RunID {
        guard let id = RunID(parsing: text) else {
            throw CLIError("'\(text)' is not a run id (an incident number, a dash and the run's number: INC0000001-1)")
        }
        return id
    }
}

/// Runs as JSON, as they are on the audit branch.
enum RunJSON {
    static var encoder: JSONEncoder {
        let encoder = Console.defaultEncoder
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
