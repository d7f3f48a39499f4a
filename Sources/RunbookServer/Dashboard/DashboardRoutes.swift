import Foundation
import Hummingbird
import RunbookAPI

/// Where the dashboard lives: pages under `/`, the forms' targets under `/actions/`, the two files under `/assets/`.
enum DashboardRoutes {
    /// The forms' targets: each checks the CSRF token its form carries (``TokenAuthentication`` lets a session cookie
    /// through to them without the `X-CSRF-Token` header the scripts send elsewhere).
    static let actionsPrefix = "/actions/"

    static func checksItsOwnForms(_ path: String) -> Bool {
        path.hasPrefix(actionsPrefix)
    }

    /// A path of this server to go to after logging in: anything else (`//evil.example`, `https:…`) is `/incidents`.
    static func localPath(_ text: String?) -> String {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.contains("\\"),
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return "/incidents" }
        return text
    }
}

/// Sends a reader without a session (or token) to the login page, and turns what a page throws into a page that
/// says what went wrong, with the status the API would answer.
struct DashboardPageMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        guard let principal = context.principal else {
            let path = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            let next = IncidentListPage.queryString(["next": path])
            return DashboardHeaders.seeOther("/login?" + next)
        }
        do {
            return try await next(request, context)
        } catch {
            // The API's own translation (it logs what becomes a 500), shown as a page.
            return Self.problem(ErrorMiddleware.apiError(for: error, request: request, context: context, routes: { nil }), principal, context, request)
        }
    }

    static func problem(_ error: APIError, _ principal: Principal, _ context: ServerContext, _ request: Request) -> Response {
        let viewer = Viewer(name: principal.name, role: principal.role, csrf: context.session?.value.csrf ?? "")
        let back = DashboardRoutes.localPath(request.headers[.referer])
        let page = ProblemPage(title: error.status == 404 ? "Not found" : "Not done", message: error.message, back: back)
        return page.page(Layout(title: "Problem", section: nil, viewer: viewer)).response(status: .init(code: error.status))
    }
}
