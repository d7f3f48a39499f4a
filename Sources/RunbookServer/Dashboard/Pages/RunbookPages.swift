import Executor
import Foundation
import Runbooks

/// `/runbooks`: every page of the wiki's deployed commit, with what it matches and how its last run went.
struct RunbookListPage {
    let library: RunbookLibrary
    /// The newest run of each runbook, by runbook id.
    let lastRuns: [String: Run]
    let now: Date

    func page(_ layout: Layout) -> HTML {
        layout.page("""
            <h1>Runbooks</h1><p class="muted">Wiki commit <code>\(library.commit.short)</code>, \(library.pages.count) pages.</p>
            <table class="runbooks"><thead><tr><th scope="col">Runbook</th><th scope="col">Matches</th><th scope="col">Steps</th>
            <th scope="col">Last run</th></tr></thead><tbody>\(library.pages.map(row))</tbody></table>
            """)
    }

    private func row(_ page: ParsedRunbook) -> HTML {
        guard let runbook = page.runbook else {
            return """
                <tr class="broken"><td><code>\(page.path)</code></td><td colspan="3"><span class="failed">does not load:</span>
                \(page.errors.map(\.description).joined(separator: "; "))</td></tr>
                """
        }
        let matchers: HTML = runbook.matchers.isEmpty ? "<span class=\"muted\">on demand only</span>"
            : "\(runbook.matchers.map { "<code>\($0.description)</code> " as HTML })"
        let last: HTML = lastRuns[runbook.id].map { run in
            let id: HTML = run.id.incident.isJob
                ? "\(run.id.description) (a job: <code>runbook runs show \(run.id.description)</code>)"
                : "<a href=\"/incidents/\(run.id.incident.description)\">\(run.id.description)</a>"
            return "<span class=\"state \(run.state.rawValue)\">\(run.state.rawValue)</span> \(TimeText.ago(run.createdAt, now: now)) \(id)"
        } ?? "<span class=\"muted\">never</span>"
        return """
            <tr><td><a href="/runbooks/\(runbook.id)">\(runbook.title)</a><br><code class="muted">\(runbook.path)</code></td>
            <td>\(matchers)</td><td>\(runbook.steps.count)</td><td>\(last)</td></tr>
            """
    }
}

/// `/runbooks/{id}`: one runbook as people read it (cmark, safe mode, front matter left out, steps marked), with its
/// matchers and parameters in tables and the commit it was read at.
struct RunbookDetailPage {
    let runbook: Runbook
    let commit: String
    /// The page's HTML from ``PageHTML/render(runbook:steps:)``: cmark's safe mode drops raw HTML and `javascript:` links.
    let body: String

    func page(_ layout: Layout) -> HTML {
        layout.page("""
            <h1>\(runbook.title)</h1>
            <p class="muted"><code>\(runbook.path)</code> at wiki commit <code>\(String(commit.prefix(12)))</code>\(runbook.owner.map { ", owned by \($0)" as HTML } ?? .empty)\(runbook.escalation.map { ", escalation policy \($0)" as HTML } ?? .empty)</p>
            <div class="columns"><section aria-labelledby="matchers"><h2 id="matchers">Runs on alerts matching</h2>\(matchers)</section>
            <section aria-labelledby="parameters"><h2 id="parameters">Parameters</h2>\(parameters)</section></div>
            <section aria-labelledby="page"><h2 id="page">Page</h2><article class="markdown">\(HTML(trusted: body))</article></section>
            """)
    }

    private var matchers: HTML {
        guard !runbook.matchers.isEmpty else { return "<p class=\"muted\">No matchers: it runs only on demand.</p>" }
        return """
            <table><thead><tr><th scope="col">Label</th><th scope="col">Operator</th><th scope="col">Value</th></tr></thead>
            <tbody>\(runbook.matchers.map { "<tr><td><code>\($0.name)</code></td><td><code>\($0.op.rawValue)</code></td><td><code>\($0.value)</code></td></tr>" as HTML })</tbody></table>
            """
    }

    private var parameters: HTML {
        guard !runbook.parameters.isEmpty else { return "<p class=\"muted\">None.</p>" }
        return """
            <table><thead><tr><th scope="col">Name</th><th scope="col">From</th><th scope="col">Required</th><th scope="col">Default</th>
            <th scope="col">Pattern</th><th scope="col">Description</th></tr></thead>
            <tbody>\(runbook.parameters.map { parameter -> HTML in
                """
                <tr><td><code>\(parameter.name)</code></td><td>\(parameter.source?.description ?? "")</td><td>\(parameter.required ? "yes" : "no")</td>
                <td>\(parameter.defaultValue ?? "")</td><td>\(parameter.pattern.map { "<code>\($0)</code>" as HTML } ?? .empty)</td><td>\(parameter.description ?? "")</td></tr>
                """ })</tbody></table>
            """
    }
}
