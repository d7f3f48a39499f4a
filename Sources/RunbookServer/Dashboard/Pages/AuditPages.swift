import Foundation
import ITIL
import Wiki

/// `/audit`: the newest commits of the audit branch, newest first, each linked to what it changed.
struct AuditListPage {
    let commits: [Commit]
    /// The commit the next page starts after, when there is one.
    let more: ObjectID?

    func page(_ layout: Layout) -> HTML {
        layout.page("""
            <h1>Audit</h1><p class="muted">The <code>audit</code> branch, newest first: <code>git log audit</code> shows the same.</p>
            <table class="audit"><thead><tr><th scope="col">When</th><th scope="col">Commit</th><th scope="col">Incident</th><th scope="col">Event</th>
            <th scope="col">By</th><th scope="col">What</th></tr></thead><tbody>\(commits.map(row))</tbody></table>
            \(more.map { "<p><a href=\"/audit?before=\($0.hex)\">Older</a></p>" as HTML } ?? .empty)
            """)
    }

    private func row(_ commit: Commit) -> HTML {
        let incident = commit.trailers.value(of: .incident)
        return """
            <tr><td>\(TimeText.plain(commit.author.time))</td><td><a href="/audit/\(commit.id.hex)"><code>\(commit.id.short)</code></a></td>
            <td>\(incident.map { "<a href=\"/incidents/\($0)\">\($0)</a>" as HTML } ?? .empty)</td><td>\(commit.trailers.value(of: .event) ?? commit.trailers.value(of: .events).map { "\($0) events" } ?? "")</td>
            <td>\(commit.trailers.value(of: .actor) ?? commit.author.name)</td><td>\(IncidentListPage.clipped(commit.summary, to: 300))</td></tr>
            """
    }
}

/// `/audit/{commit}`: one audit commit: its message and trailers, and each file it changed, before and after, as a
/// line diff.
struct AuditCommitPage {
    /// One changed file: its text before the commit and after (nil where it did not exist).
    struct FileChange {
        let path: String
        let before: String?
        let after: String?
    }

    let commit: Commit
    let changes: [FileChange]

    func page(_ layout: Layout) -> HTML {
        layout.page("""
            <h1>Commit <code>\(commit.id.short)</code></h1>
            <p class="muted"><code>\(commit.id.hex)</code>, \(TimeText.plain(commit.author.time)) by \(commit.author.name) &lt;\(commit.author.email)&gt;\(commit.parents.first.map { ", after <a href=\"/audit/\($0.hex)\"><code>\($0.short)</code></a>" as HTML } ?? .empty)</p>
            <pre class="message">\(commit.message)</pre>
            \(changes.map(file))
            """)
    }

    private func file(_ change: FileChange) -> HTML {
        let kind = change.before == nil ? "added" : change.after == nil ? "deleted" : "changed"
        let lines = LineDiff.lines(before: change.before ?? "", after: change.after ?? "")
        return """
            <section class="file"><h2><code>\(change.path)</code> <small class="muted">\(kind)</small></h2>
            <pre class="diff">\(lines.map { line -> HTML in
                switch line {
                case .same(let text): "<span class=\"same\">  \(text)\n</span>"
                case .removed(let text): "<del>- \(text)\n</del>"
                case .added(let text): "<ins>+ \(text)\n</ins>"
                }
            })</pre></section>
            """
    }
}

/// A line diff small enough for a record file: the longest common subsequence of the two texts' lines. Past
/// ``limit`` lines on either side it gives up on alignment and shows the old lines removed and the new added.
enum LineDiff {
    enum Line: Equatable {
        case same(String), removed(String), added(String)
    }

    static let limit = 2000

    static func lines(before: String, after: String) -> [Line] {
        let old = before.isEmpty ? [] : before.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let new = after.isEmpty ? [] : after.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard old.count <= limit, new.count <= limit else { return old.map(Line.removed) + new.map(Line.added) }
        // lengths[i][j]: the longest common subsequence of old[i...] and new[j...].
        var lengths = Array(repeating: Array(repeating: 0, count: new.count + 1), count: old.count + 1)
        for i in stride(from: old.count - 1, through: 0, by: -1) {
            for j in stride(from: new.count - 1, through: 0, by: -1) {
                lengths[i][j] = old[i] == new[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var result: [Line] = []
        var (i, j) = (0, 0)
        while i < old.count || j < new.count {
            if i < old.count, j < new.count, old[i] == new[j] {
                result.append(.same(old[i])); i += 1; j += 1
            } else if j < new.count, i == old.count || lengths[i][j + 1] >= lengths[i + 1][j] {
                result.append(.added(new[j])); j += 1
            } else {
                result.append(.removed(old[i])); i += 1
            }
        }
        return result
    }
}
