import ArgumentParser
import Foundation

/// `--server URL --token T`: work through a running server's API instead of in this process.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Work through the server at this URL instead of in-process ($RUNBOOK_SERVER).", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("The API token for --server ($RUNBOOK_TOKEN).", valueName: "token"))
    var token: String?

    func validate() throws {
        _ = try client()
    }

    /// The client for the chosen server, or nil to work in-process. An empty variable counts as unset,
    /// so `RUNBOOK_SERVER= runbook ...` works in-process in a shell that exports it.
    func client() throws -> APIClient? {
        let environment = ProcessInfo.processInfo.environment
        guard let server = [server, environment["RUNBOOK_SERVER"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) else { return nil }
        guard let url = URL(string: server), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw ValidationError("--server '\(server)' is not an http:// or https:// URL (e.g. http://127.0.0.1:8080)")
        }
        guard let token = [token, environment["RUNBOOK_TOKEN"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            throw ValidationError("--server needs a token: give --token or set RUNBOOK_TOKEN (`runbook tokens` makes one)")
        }
        return APIClient(baseURL: url, token: token)
    }

    /// Refuses an in-process-only feature when a server is given.
    static func unavailable(_ what: String, because reason: String) -> CLIError {
        CLIError("not available against a server: \(what) (\(reason))")
    }
}

/// Runs a server-mode command body, turning an API failure into `runbook: 401 unauthorized: ...` on
/// stderr and exit status 1, the way the CLI reports its other failures.
enum ServerCall {
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as APIFailure {
            Console.note(failure.description)
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
