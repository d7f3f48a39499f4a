import Foundation
import Hummingbird
import Notify
import RunbookAPI
import Runbooks
import Wiki

/// `/api/v1/runbooks`: the runbooks of the wiki's current commit: the list, one parsed, one rendered as HTML.
struct RunbookController: Sendable {
    let wiki: WikiWatcher

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
