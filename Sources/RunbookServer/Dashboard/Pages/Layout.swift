import Foundation

/// The frame of every dashboard page: the navigation, who is logged in and how to log out, and the page's own
/// content; the stylesheet and the script are files of their own (the Content-Security-Policy allows no inline ones).
struct Layout {
    /// Which navigation entry is the current page.
    enum Section: String, CaseIterable {
        case incidents, runbooks, oncall, audit

        var title: String {
            switch self {
            case .incidents: "Incidents"
            case .runbooks: "Runbooks"
            case .oncall: "On call"
            case .audit: "Audit"
            }
        }
    }

    let title: String
    let section: Section?
    let viewer: Viewer?

    /// The page with `content` in its main element; `live` names what the script keeps up to date (see app.js).
    func page(_ content: HTML, live: String? = nil) -> HTML {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex"><meta name="color-scheme" content="light dark">
        \(HTML.when(viewer != nil, "<meta name=\"csrf-token\" content=\"\(viewer?.csrf ?? "")\">"))
        <title>\(title) · runbook</title><link rel="stylesheet" href="/assets/app.css"><link rel="icon" href="data:,">
        <script src="/assets/app.js" defer></script></head>
        <body\(live.map { " data-live=\"\($0)\"" as HTML } ?? .empty)>
        <header class="top"><a class="brand" href="/incidents">runbook</a><nav aria-label="Main">\(navigation)</nav>\(account)</header>
        <main id="main">\(content)</main>
        </body></html>
        """
    }

    private var navigation: HTML {
        let links = Section.allCases.map { section -> HTML in
            section == self.section
                ? "<a href=\"/\(section.rawValue)\" aria-current=\"page\">\(section.title)</a>"
                : "<a href=\"/\(section.rawValue)\">\(section.title)</a>"
        }
        return "\(links)"
    }

    private var account: HTML {
        guard let viewer else { return .empty }
        return """
            <form class="account" method="post" action="/actions/logout"><input type="hidden" name="csrf" value="\(viewer.csrf)">
            <span>\(viewer.name) <small>(\(viewer.role.rawValue))</small></span> <button type="submit">Log out</button></form>
            """
    }
}

/// Who is looking at a page: what the page may offer them.
struct Viewer: Sendable {
    let name: String
    let role: Role
    let csrf: String

    /// Whether the role may do what needs `role` (the server checks again when it is done).
    func may(_ role: Role) -> Bool { self.role >= role }
}

