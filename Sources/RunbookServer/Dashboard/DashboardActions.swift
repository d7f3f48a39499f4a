import Executor
import Foundation
import Hummingbird
import ITIL
import RunbookAPI
import Wiki

/// The dashboard's forms: logging in and out, and what people do to incidents and runs. Each is a plain form post
/// (it works without the script) answered with a redirect back to the page, so reloading never posts twice. The
/// role each needs is the API's, checked here again whatever buttons the page showed.
struct DashboardActions: Sendable {
    let registry: RunRegistry
    let tokens: TokenFile
    let sessions: SessionBook
    /// Whether the server speaks TLS: the session cookie is then `Secure`.
    let secure: Bool
    let bodyLimit: Int

    /// Every field any of the forms has; each action reads its own.
    struct Form: Decodable {
        var csrf: String?
        var token: String?
        var next: String?
        var duration: String?
        var state: String?
        var holdReason: String?
        var closeCode: String?
        var closeNotes: String?
        var text: String?

        enum CodingKeys: String, CodingKey {
            case csrf, token, next, duration, state, text
            case holdReason = "hold_reason", closeCode = "close_code", closeNotes = "close_notes"
        }
    }

    func register(on router: RouteRecorder) {
        router.get("login") { request, _ in
            LoginPage(next: DashboardRoutes.localPath(request.query("next")), problem: nil).page().response()
        }
        router.post("login") { request, _ in try await login(request) }
        let actions = router.group("actions").add(middleware: DashboardPageMiddleware())
        actions.post("logout") { request, context in try await logout(request, context) }
        actions.post("incidents/{number}/{verb}") { request, context in try await act(on: request, context) }
        actions.post("runs/{id}/{verb}") { request, context in try await decide(request, context) }
    }

    // MARK: - Session

    private func login(_ request: Request) async throws -> Response {
        let form = try await Self.form(request, limit: 16 << 10)
        let next = DashboardRoutes.localPath(form.next)
        guard let token = form.token?.trimmingCharacters(in: .whitespacesAndNewlines), let principal = tokens.principal(for: token) else {
            return LoginPage(next: next, problem: "That token is not valid. Paste the whole token, starting with rbk_.").page().response(status: .unauthorized)
        }
        let sessions = sessions
        let (id, _) = try await offThePool { try sessions.open(for: principal.name) }
        let cookie = Cookie(name: Session.cookieName, value: id, maxAge: Int(Session.lifetime), path: "/", secure: secure, httpOnly: true,
                            sameSite: .strict)
        return DashboardHeaders.seeOther(next, cookie: cookie.description)
    }

    private func logout(_ request: Request, _ context: ServerContext) async throws -> Response {
        _ = try await checkedForm(request, context)
        if let (id, _) = context.session {
            let sessions = sessions
            try await offThePool { try sessions.close(id) }
        }
        let expired = Cookie(name: Session.cookieName, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
        return DashboardHeaders.seeOther("/login", cookie: expired.description)
    }

    /// The form, once its CSRF token is the session's. A request made with a bearer token (a script, not a browser)
    /// needs none: no other site can make a browser send that header.
    private func checkedForm(_ request: Request, _ context: ServerContext) async throws -> Form {
        let form = try await Self.form(request, limit: bodyLimit)
        if let (_, session) = context.session, context.principal != nil, request.headers[.authorization] == nil {
            guard let csrf = form.csrf, csrf == session.csrf else {
                throw APIError(403, code: "forbidden", "the form is stale or came from another site (its CSRF token does not match); reload the page and try again")
            }
        }
        return form
    }

    private static func form(_ request: Request, limit: Int) async throws -> Form {
        let body = try await request.body.collect(upTo: limit)
        let text = String(decoding: body.readableBytesView, as: UTF8.self)
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: text)
        } catch {
            throw APIError.badRequest("the form could not be read: \(error)", code: "invalid_form")
        }
    }

    // MARK: - Incidents and runs

    private func act(on request: Request, _ context: ServerContext) async throws -> Response {
        let form = try await checkedForm(request, context)
        let number = try context.incidentNumber()
        let verb = context.path("verb")
        let principal = try context.actor(atLeast: .responder)
        let client = LocalClient(registry: registry, actor: principal.name)
        switch verb {
        case "acknowledge": _ = try await client.acknowledge(number)
        case "unacknowledge": _ = try await client.unacknowledge(number)
        case "snooze":
            let text = Self.present(form.duration) ?? ""
            guard let duration = DurationText.parse(text), duration > 0 else {
                throw APIError(400, code: "invalid_field", "'\(text)' is not a duration (use e.g. 30m, 2h)", field: "duration")
            }
            _ = try await client.snooze(number, for: duration)
        case "transition":
            guard let state = Self.present(form.state) else { throw APIError(400, code: "invalid_field", "choose a state to move to", field: "state") }
            _ = try await client.transition(number, APIBody.Transition(state: state, holdReason: Self.present(form.holdReason),
                                                                        closeCode: Self.present(form.closeCode), closeNotes: Self.present(form.closeNotes)))
        case "note":
            guard let text = Self.present(form.text) else { throw APIError(400, code: "invalid_field", "the note is empty", field: "text") }
            _ = try await client.note(number, text)
        default:
            throw APIError.notFound("no action '\(verb)' on incidents")
        }
        return DashboardHeaders.seeOther("/incidents/\(number)")
    }

    private func decide(_ request: Request, _ context: ServerContext) async throws -> Response {
        _ = try await checkedForm(request, context)
        let id = try context.runID()
        let verdict: Decision.Verdict
        switch context.path("verb") {
        case "approve": verdict = .approve
        case "deny": verdict = .deny
        case "cancel": verdict = .cancel
        default: throw APIError.notFound("no action '\(context.path("verb"))' on runs")
        }
        let principal = try context.actor(atLeast: verdict == .cancel ? .responder : .approver)
        _ = try await LocalClient(registry: registry, actor: principal.name).decide(id, verdict, reason: nil)
        return DashboardHeaders.seeOther("/incidents/\(id.incident)#run-\(id)")
    }

    /// A form field with something in it.
    private static func present(_ value: String?) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}
