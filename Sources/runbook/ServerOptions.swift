import ArgumentParser
import Executor
import Foundation
import ITIL
import RunbookAPI

/// `--server URL --token T`: work through a running server's API instead of in this process.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Work through the server at this URL instead of in-process ($RUNBOOK_SERVER).", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("The API token for --server ($RUNBOOK_TOKEN).", valueName: "token"))
    var token: String?

    func validate() throws {
        _ = try httpClient()
    }

    /// The client for the chosen server, or nil to work in-process. An empty variable counts as unset,
    /// so `RUNBOOK_SERVER= runbook ...` works in-process in a shell that exports it.
    func httpClient() throws -> HTTPClient? {
        let environment = ProcessInfo.processInfo.environment
        guard let server = [server, environment["RUNBOOK_SERVER"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) else { return nil }
        guard let url = URL(string: server), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw ValidationError("--server '\(server)' is not an http:// or https:// URL (e.g. http://127.0.0.1:8080)")
        }
        guard let token = [token, environment["RUNBOOK_TOKEN"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            throw ValidationError("--server needs a token: give --token or set RUNBOOK_TOKEN (`runbook tokens` makes one)")
        }
        return HTTPClient(baseURL: url, token: token)
    }

    /// Refuses an in-process-only feature when a server is given.
    static func unavailable(_ what: String, because reason: String) -> CLIError {
        CLIError("not available against a server: \(what) (\(reason))")
    }
}

/// Where a command acts on incidents and runs: in this process on the wiki's audit branch, or through a
/// server with `--server`. The command is written once, against ``RunbookClient``.
struct ClientOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions
    @OptionGroup var server: ServerOptions
    @OptionGroup var actor: ActorOption

    /// The client: the server's API, or this process on the wiki (acting as `--as`). `indexed` reads every run
    /// into memory once, for commands that list them (a list is read a page at a time).
    func client(executor: ExecutorOptions = .defaults, indexed: Bool = false) throws -> any RunbookClient {
        if let http = try server.httpClient() {
            actor.noteIgnoredAgainstServer()
            return http
        }
        return LocalClient(registry: try registry(executor: executor, indexed: indexed), actor: actor.actor)
    }

    /// The runs of the wiki in this process, for what only works in-process (`--server` is refused first).
    func registry(executor: ExecutorOptions = .defaults, indexed: Bool = false) throws -> RunRegistry {
        let incidents = try store.openStore()
        return RunRegistry(store: incidents, settings: executor.settings(for: incidents), index: indexed ? try RunIndex(store: incidents) : nil)
    }

    /// Whether a server was given.
    var remote: Bool { (try? server.httpClient()) != nil }
}

/// Runs a command's body, reporting what the API refused (`runbook: 409 invalid_transition: ...`) or a
/// server that cannot be reached on stderr with exit status 1, alike with or without a server.
enum ClientCall {
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as APIError {
            Console.note(error.description)
            throw ExitCode.failure
        } catch let error as TransportError {
            Console.note(error.description)
            throw ExitCode.failure
        }
    }
}

extension ActorOption {
    /// A server records the token's name as who acted; an explicit `--as` cannot change that, so say so.
    func noteIgnoredAgainstServer() {
        if name != nil { Console.note("--as is ignored against a server: it records the name of the token as the actor") }
    }
}
