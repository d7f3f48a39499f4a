import ArgumentParser
import Executor
import Foundation
import RunbookServer

/// The run commands against a server (`--server`): the same output as in-process, through the REST API.
extension RunsCommand.List {
    /// `GET /api/v1/runs`, every page, oldest first as in-process.
    func run(on client: APIClient) async throws {
        var runs: [Run] = []
        while true {
            let page = try await client.get(APIReply.RunPage.self, "/api/v1/runs", query: [
                "state": state, "limit": "500", "offset": String(runs.count),
            ])
            runs += page.runs
            if page.runs.isEmpty || runs.count >= page.total { break }
        }
        runs.reverse()
        if json { return try Console.json(runs, encoder: RunJSON.encoder) }
        Console.out(RunText.table(runs))
    }
}

extension RunsCommand.Show {
    /// `GET /api/v1/runs/{id}` and the log of each step that has one.
    func run(on client: APIClient) async throws {
        let id = try RunArgument.parse(id)
        let run = try await client.get(Run.self, "/api/v1/runs/\(id)")
        if json { return try Console.json(run, encoder: RunJSON.encoder) }
        var logs: [Int: String] = [:]
        for (index, step) in run.steps.enumerated() where step.log != nil {
            do {
                logs[index] = try await client.text("/api/v1/runs/\(id)/steps/\(step.id)/log")
            } catch APIFailure.status(404, _, _, _) {
                // Listed but not committed yet: in-process shows no log either.
            }
        }
        Console.out(RunText.detail(run, logs: logs))
    }
}

extension RunsCommand {
    /// `POST /api/v1/runs/{id}/approve`, `/deny` or `/cancel`; the server records the token's name as who decided.
    static func decide(_ text: String, verdict: String, reason: String?, actor: ActorOption, on client: APIClient) async throws {
        actor.noteIgnoredAgainstServer()
        let id = try RunArgument.parse(text)
        let (reply, _) = try await client.post(APIReply.Decision.self, "/api/v1/runs/\(id)/\(verdict)", body: APIBody.Reason(reason: reason))
        switch verdict {
        case "approve": Console.out("approved \(reply.step ?? "?") of run \(id) as \(reply.by)")
        case "deny": Console.out("denied \(reply.step ?? "?") of run \(id) as \(reply.by)")
        default: Console.out("asked run \(id) to cancel")
        }
    }
}
