import ArgumentParser
import Executor
import Foundation
import ITIL
import RunbookAPI

/// `runbook runs ...`: the runs on the audit branch, and the decisions people make on them.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List and show runs; approve, deny or cancel them (also when another process runs them).",
        subcommands: [List.self, Show.self, Approve.self, Deny.self, Cancel.self]
    )

    /// What every run command needs: where the runs are, and (in-process) the executor's limits.
    struct Context: ParsableArguments {
        @OptionGroup var api: ClientOptions
        @OptionGroup var executor: ExecutorOptions

        func client(indexed: Bool = false) throws -> any RunbookClient {
            try api.client(executor: executor, indexed: indexed)
        }

        /// In-process, first marks the runs whose process died while running a step as interrupted; runs that only
        /// waited are left for a server to resume. (A server does this itself when it starts.)
        func markInterrupted(on client: any RunbookClient) async throws {
            guard let local = client as? LocalClient else { return }
            _ = try await local.registry.markInterrupted()
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, queued and awaiting approval ones included.")

        @OptionGroup var context: Context

        @Option(help: "Only runs in this state.")
        var state: RunState?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await ClientCall.run {
                let client = try context.client(indexed: true)
                try await context.markInterrupted(on: client)
                let runs = try await client.allRuns(RunQuery(states: state.map { [$0] }))
                if json { return try Console.json(runs, encoder: RunJSON.encoder) }
                Console.out(RunText.table(runs))
            }
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
            let id = try RunArgument.parse(id)
            try await ClientCall.run {
                let client = try context.client()
                let run = try await client.run(id)
                if json { return try Console.json(run, encoder: RunJSON.encoder) }
                var logs: [Int: String] = [:]
                for (index, step) in run.steps.enumerated() where step.log != nil {
                    do {
                        logs[index] = try await client.log(of: id, step: step.id)
                    } catch let error as APIError where error.status == 404 {
                        // Listed but not committed yet: there is no log to show.
                    }
                }
                Console.out(RunText.detail(run, logs: logs))
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve the step a run waits on; the run goes on.",
            discussion: "Approving again answers as the first time and records nothing.")

        @OptionGroup var context: Context

        @Argument(help: ArgumentHelp("The run, e.g. INC0000001-1.", valueName: "run"))
        var id: String

        func run() async throws {
            try await RunsCommand.decide(id, .approve, reason: nil, context: context)
        }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deny the step a run waits on; the run stops.")

        @OptionGroup var context: Context

        @Argument(help: ArgumentHelp("The run, e.g. INC0000001-1.", valueName: "run"))
        var id: String

        @Option(help: "Why, for the audit trail.")
        var reason: String

        func run() async throws {
            try await RunsCommand.decide(id, .deny, reason: reason, context: context)
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a run: its current step's processes are killed and it stops.")

        @OptionGroup var context: Context

        @Argument(help: ArgumentHelp("The run, e.g. INC0000001-1.", valueName: "run"))
        var id: String

        @Option(help: "Why, for the audit trail.")
        var reason: String?

        func run() async throws {
            try await RunsCommand.decide(id, .cancel, reason: reason, context: context)
        }
    }

    /// Approves, denies or cancels, and says what is on record (the first decision, when it was made already).
    static func decide(_ text: String, _ verdict: Decision.Verdict, reason: String?, context: Context) async throws {
        let id = try RunArgument.parse(text)
        try await ClientCall.run {
            let reply = try await context.client().decide(id, verdict, reason: reason)
            guard reply.recorded != false else {
                // On record already: say by whom, so nobody reads it as their own decision.
                let what = verdict == .cancel ? "a cancel of run \(id) was asked for" : "\(reply.step ?? "?") of run \(id) was "
                    + (verdict == .approve ? "approved" : "denied")
                return Console.out("\(what) already, by \(reply.by); nothing new recorded")
            }
            switch verdict {
            case .approve: Console.out("approved \(reply.step ?? "?") of run \(id) as \(reply.by)")
            case .deny: Console.out("denied \(reply.step ?? "?") of run \(id) as \(reply.by)")
            case .cancel: Console.out("asked run \(id) to cancel")
            }
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
