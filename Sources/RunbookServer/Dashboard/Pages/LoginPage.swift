/// `/login`: paste an API token once; the server answers with a session cookie. The token goes in a form body,
/// never in a URL (URLs end up in logs and browser history).
struct LoginPage {
    /// Where to go after logging in: a path of this server.
    let next: String
    let problem: String?

    func page() -> HTML {
        Layout(title: "Log in", section: nil, viewer: nil).page("""
            <h1>Log in</h1>
            \(problem.map { "<p class=\"problem\" role=\"alert\">\($0)</p>" as HTML } ?? .empty)
            <form method="post" action="/login" class="stacked login"><input type="hidden" name="next" value="\(next)">
            <label>API token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
            <button type="submit" class="primary">Log in</button></form>
            <p class="muted">An admin makes tokens with <code>runbook tokens add NAME --role responder</code>; <code>runbook serve</code>
            prints the first admin token when it starts on a new data directory.</p>
            """)
    }
}

/// A page that says what went wrong (a refused action, an unknown incident), with a way back.
struct ProblemPage {
    let title: String
    let message: String
    let back: String?

    func page(_ layout: Layout) -> HTML {
        layout.page("""
            <h1>\(title)</h1><p class="problem" role="alert">\(message)</p>
            \(back.map { "<p><a href=\"\($0)\">Back</a></p>" as HTML } ?? .empty)
            """)
    }
}
