import Executor
import Foundation
import Hummingbird
import ITIL
import Notify
import RunbookAPI
import Runbooks
import Wiki

/// `/api/v1/runbooks`: the runbooks of the wiki's current commit: the list, one parsed, one rendered as HTML.
struct RunbookController: Sendable {
    let wiki: WikiWatcher
    let launcher: RunLauncher
    let scheduler: RunScheduler
    let bodyLimit: Int

    func register(on api: RouterGroup<ServerContext>) {
        api.group("runbooks", role: .viewer)
            .get { _, _ in
                let library = await wiki.library
                return RunbookList(commit: library.commit.hex, runbooks: library.pages.map(RunbookSummary.init))
            }
            .get("{id}") { _, context in
                let (library, runbook) = try await find(context)
                return ShownRunbook(commit: library.commit.hex, runbook: runbook)
            }
            .get("{id}/html") { _, context in try await html(context) }
        api.group("runbooks", role: .responder)
            .post("{id}/runs") { request, context in
                EditedResponse(status: .accepted, response: try await startRun(request, context))
            }
    }

    /// Runs a runbook by hand: its parameters are checked as for an alert, the run is linked to its incident
    /// (an existing one, or one opened for it) or, with neither, recorded as a job of its own; the reply names the
    /// run before its first step starts.
    private func startRun(_ request: Request, _ context: ServerContext) async throws -> StartedRun {
        let body = try await JSONBody.decode(APIBody.NewRun.self, from: request, limit: bodyLimit)
        let target: RunLauncher.OnDemandTarget
        switch (body.incident, body.open ?? false) {
        case (let text?, false):
            guard let number = IncidentNumber(parsing: text), !number.isJob else {
                throw APIError.badRequest("incident '\(text)' is not an incident number like INC0000042", field: "incident", code: "invalid_field")
            }
            target = .incident(number)
        case (nil, true): target = .open
        case (nil, false): target = .job
        case (.some, true):
            throw APIError.badRequest("give incident (INC…) to record the run on, or open: true to open one, not both",
                                      field: "open", code: "invalid_field")
        }
        let (library, runbook) = try await find(context)
        let reserved = try await launcher.reserve(runbook, at: library.commit, given: body.params ?? [:], on: target,
                                                  actor: try context.actor().name, inventory: library.inventory)
        await scheduler.start(reserved)
        return StartedRun(run: reserved.id.description, owner: reserved.id.incident, runbook: runbook.id, commit: library.commit.hex)
    }

    private func html(_ context: ServerContext) async throws -> Response {
        let (library, runbook) = try await find(context)
        let repository = wiki.repository
        let markdown = try await offThePool { try repository.readFile(runbook.path, at: library.commit) }
        let page = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>\(HTMLText.escape(runbook.title))</title></head>
            <body>
            \(PageHTML.render(runbook: String(decoding: markdown, as: UTF8.self), steps: runbook.steps))
            </body></html>
            """
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    /// The runbook named by `{id}` (its id or its path), or a 404 that says why.
    private func find(_ context: ServerContext) async throws -> (RunbookLibrary, Runbook) {
        let id = context.parameters.get("id") ?? ""
        let library = await wiki.library
        if let runbook = library.runbook(id) { return (library, runbook) }
        if let page = library.page(id) {
            let problems = page.diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "; ")
            throw APIError(404, code: "runbook_has_errors", "runbook '\(id)' does not load at \(library.commit.short): \(problems)")
        }
        throw APIError.notFound("no runbook '\(id)' at \(library.commit.short)")
    }
}
