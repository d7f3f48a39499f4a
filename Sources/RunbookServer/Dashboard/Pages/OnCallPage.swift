import Foundation
import OnCall

/// `/oncall`: who is on call now and next in every schedule, and each person's shifts in the coming two weeks, as
/// the deployed on-call files say.
struct OnCallPage {
    let config: OnCallConfig
    let commit: String?
    let problems: [String]
    let now: Date

    /// How far ahead the shifts go.
    static let horizon: TimeInterval = 14 * 86_400

    func page(_ layout: Layout) -> HTML {
        layout.page("""
            <h1>On call</h1>
            <p class="muted">From the on-call files at wiki commit <code>\(commit.map { String($0.prefix(12)) } ?? "none")</code>.</p>
            \(HTML.when(!problems.isEmpty, "<div class=\"problems\" role=\"alert\"><h2>Problems in the on-call files</h2><ul>\(problems.map { "<li>\($0)</li>" as HTML })</ul></div>"))
            <section aria-labelledby="now"><h2 id="now">Now and next</h2>\(statusTable)</section>
            <section aria-labelledby="shifts"><h2 id="shifts">Shifts, next 14 days</h2>\(shiftsByPerson)</section>
            """)
    }

    private func name(_ id: String?) -> String {
        guard let id else { return "nobody" }
        return config.people[id]?.name ?? id
    }

    private var statusTable: HTML {
        let statuses = config.status(at: now)
        guard !statuses.isEmpty else { return "<p class=\"muted\">No schedules in <code>oncall/schedules/</code>.</p>" }
        return """
            <table><thead><tr><th scope="col">Schedule</th><th scope="col">On call now</th><th scope="col">Until</th><th scope="col">Next</th></tr></thead>
            <tbody>\(statuses.map { status -> HTML in
                """
                <tr><td>\(status.schedule) <small class="muted">\(status.timeZone)</small></td>
                <td>\(status.onCall == nil ? "<span class=\"failed\">nobody</span>" as HTML : "\(name(status.onCall))")\(status.isFallback ? " (fallback)" as HTML : .empty)</td>
                <td>\(status.until.map { "\(TimeText.plain($0)) (\(TimeText.countdownText($0, now: now)))" as HTML } ?? .empty)</td>
                <td>\(status.next.map { "\(name($0.person)) from \(TimeText.plain($0.start))" as HTML } ?? .empty)</td></tr>
                """ })</tbody></table>
            """
    }

    private var shiftsByPerson: HTML {
        let shifts = config.schedules.values.flatMap { $0.shifts(from: now, to: now + Self.horizon) }
        let byPerson = Dictionary(grouping: shifts, by: \.person)
        guard !byPerson.isEmpty else { return "<p class=\"muted\">Nobody has a shift.</p>" }
        let sections = byPerson.keys.sorted().map { person -> HTML in
            let own = byPerson[person]!.sorted { $0.start < $1.start }
            return """
                <h3>\(name(person)) <small class="muted">\(person)</small></h3>
                <ul class="shifts">\(own.map { "<li>\($0.schedule): \(TimeText.plain($0.start)) – \(TimeText.plain($0.end))</li>" as HTML })</ul>
                """
        }
        return "\(sections)"
    }
}
