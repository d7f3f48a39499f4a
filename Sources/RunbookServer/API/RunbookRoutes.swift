import Foundation
import Hummingbird
import Runbooks
import Wiki

/// The runbooks of the wiki's current commit: the list, one parsed, one rendered as HTML.
struct RunbookRoutes: Sendable {
    let wiki: WikiWatcher
    let authorization: Authorization

    func register(on routes: RouteRecorder) {
        routes.on("/api/v1/runbooks", .get) { request, _ in
            _ = try authorization.require(.viewer, request)
            let library = await wiki.library
            return try JSONBody.response(RunbookList(commit: library.commit.hex, runbooks: library.pages.map(RunbookSummary.init)))
        }
        routes.on("/api/v1/runbooks/{id}", .get) { request, context in
            _ = try authorization.require(.viewer, request)
            let (library, runbook) = try await find(context)
            return try JSONBody.response(ShownRunbook(commit: library.commit.hex, runbook: runbook))
        }
        routes.on("/api/v1/runbooks/{id}/html", .get) { request, context in
            _ = try authorization.require(.viewer, request)
            let (library, runbook) = try await find(context)
            let markdown = try wiki.repository.readFile(runbook.path, at: library.commit)
            let page = """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>\(Self.escape(runbook.title))</title></head>
                <body>
                \(PageHTML.render(String(decoding: markdown, as: UTF8.self)))
                </body></html>
                """
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
        }
    }

    /// The runbook named by `{id}` (its id or its path), or a 404 that says why.
    private func find(_ context: ServerContext) async throws -> (RunbookLibrary, Runbook) {
        let id = context.parameters.get("id") ?? ""
        let library = await wiki.library
        if let runbook = library.runbook(id) { return (library, runbook) }
        if let page = library.page(id) {
            let problems = page.diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "; ")
            throw APIError(.notFound, code: "runbook_has_errors", "runbook '\(id)' does not load at \(library.commit.short): \(problems)")
        }
        throw APIError.notFound("no runbook '\(id)' at \(library.commit.short)")
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    struct RunbookList: Encodable {
        let commit: String
        let runbooks: [RunbookSummary]
    }
}
