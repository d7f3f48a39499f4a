import Escalation
import Executor
import Foundation
import ITIL
import Wiki

/// `/incidents/{number}`: one incident with everything a responder acts on: its facts and SLA clocks, labels,
/// escalation, runs (with each step's status, exit code and live output), the timeline of its audit commits, and
/// the actions the viewer's role allows. Everything under `#live` is fetched again when the incident's events say
/// it changed; the running step's output is appended line by line from the event stream.
struct IncidentDetailPage {
    let incident: Incident
    let escalation: EscalationState?
    let runs: [Run]
    /// The end of each finished step's committed output, by run and step id: the newest run's only (a page reads
    /// no more logs than one run has steps).
    var outputs: [RunID: [String: String]] = [:]
    /// The incident's audit commits, newest first.
    let timeline: [AuditEvent]
    let viewer: Viewer
    /// The event the script's stream starts after (``DashboardController/replayStart(runs:timeline:tip:)``).
    let replayAfter: String?
    let now: Date

    func page(_ layout: Layout) -> HTML {
        layout.page("""
            <h1><span class="number">\(incident.number.description)</span> \(IncidentListPage.clipped(incident.shortDescription, to: 500))</h1>
            <div id="live" data-fragment="incident" data-incident="\(incident.number.description)"\(afterAttribute)>\(live)</div>
            """, live: "incident")
    }

    private var afterAttribute: HTML {
        replayAfter.map { " data-after=\"\($0)\"" as HTML } ?? .empty
    }

    /// The part the script replaces.
    var live: HTML {
        """
        <div class="columns"><section aria-labelledby="facts"><h2 id="facts">Summary</h2>\(facts)</section>
        <section aria-labelledby="act"><h2 id="act">Act</h2>\(actions)</section></div>
        \(labels)
        \(escalationSection)
        \(runsSection)
        \(notes)
        \(timelineSection)
        """
    }

    // MARK: - Facts

    private var facts: HTML {
        let sla = incident.sla
        let rows: [(String, HTML)] = [
            ("State", "<span class=\"state \(incident.state.rawValue)\">\(incident.state.title)</span>\(incident.holdReason.map { " (\($0.title))" as HTML } ?? .empty)"),
            ("Priority", "<span class=\"priority p\(incident.priority.rawValue)\">\(incident.priority.description)</span> = impact \(incident.impact.description) × urgency \(incident.urgency.description)"),
            ("Response", incident.state.isOpen || sla.responseMet != nil ? TimeText.countdown(due: sla.responseDue, met: sla.responseMet, now: now) : "–"),
            ("Resolution", TimeText.countdown(due: sla.resolutionDue, met: sla.resolutionMet, paused: sla.resolutionPausedAt != nil, now: now)),
            ("Opened", "\(TimeText.ago(incident.openedAt, now: now)) by \(incident.openedBy)"),
            ("Acknowledged", incident.acknowledgedBy.map { "\($0) \(incident.acknowledgedAt.map { TimeText.ago($0, now: now) } ?? .empty)" } ?? "<span class=\"muted\">nobody</span>"),
            ("Snoozed until", incident.snoozedUntil.map(TimeText.plain) ?? .empty),
            ("Silenced by", incident.silencedBy.map { "\($0)" } ?? .empty),
            ("Service", "\(incident.service ?? "")"),
            ("Category", "\(incident.category ?? "")"),
            ("Assignment group", "\(incident.assignmentGroup ?? "")"),
            ("Assigned to", "\(incident.assignedTo ?? "")"),
            ("Caller", "\(incident.caller)"),
            ("Close code", "\(incident.closeCode?.title ?? "")"),
            ("Close notes", "\(incident.closeNotes ?? "")"),
            ("Alerts", "\(incident.alerts.map { "\($0.source) ×\($0.occurrences)" }.joined(separator: ", "))"),
        ]
        return """
            <dl class="facts">\(rows.filter { !$0.1.description.isEmpty }.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" as HTML })</dl>
            \(HTML.when(!incident.description.isEmpty, "<h3>Description</h3><p class=\"text\">\(IncidentListPage.clipped(incident.description, to: 4000))</p>"))
            """
    }

    private var labels: HTML {
        "\(Self.table("labels", "Labels", incident.labels))\(Self.table("annotations", "Annotations", incident.annotations))"
    }

    /// A name → value table of alert text, clipped for display.
    private static func table(_ id: String, _ title: String, _ pairs: [String: String]) -> HTML {
        guard !pairs.isEmpty else { return .empty }
        return """
            <section aria-labelledby="\(id)"><h2 id="\(id)">\(title)</h2><table class="\(id)"><tbody>
            \(pairs.sorted { $0.key < $1.key }.map { "<tr><th scope=\"row\">\(IncidentListPage.clipped($0.key))</th><td>\(IncidentListPage.clipped($0.value, to: 1000))</td></tr>" as HTML })
            </tbody></table></section>
            """
    }

    // MARK: - Escalation

    private var escalationSection: HTML {
        guard let state = escalation else { return .empty }
        let next: HTML = state.exhausted ? "exhausted: every level was paged"
            : state.nextLevelAt.map { "next level \(TimeText.countdown(due: $0, met: nil, now: now))" } ?? "no further level"
        let pages = state.currentCycle.sorted { ($0.level, $0.recipient) < ($1.level, $1.recipient) }
        return """
            <section aria-labelledby="escalation"><h2 id="escalation">Escalation</h2>
            <p>Policy <strong>\(state.policy)</strong>, cycle \(state.cycle), level \(state.level)\(state.round > 0 ? ", round \(state.round + 1)" : ""); \(next)</p>
            \(HTML.when(!pages.isEmpty, """
                <table><thead><tr><th scope="col">Level</th><th scope="col">Who</th><th scope="col">How</th><th scope="col">Due</th><th scope="col">Outcome</th></tr></thead>
                <tbody>\(pages.map(notificationRow))</tbody></table>
                """))
            </section>
            """
    }

    private func notificationRow(_ notification: PlannedNotification) -> HTML {
        let outcome: HTML = notification.outcome.map { outcome in
            "<span class=\"\(outcome.delivered ? "ok" : "failed")\">\(outcome.detail)</span>"
        } ?? (notification.digest ? "held for a digest" : "pending")
        return """
            <tr><td>\(notification.kind == .page ? "\(notification.level)" : "resolved")</td><td>\(notification.recipient)</td>
            <td>\(notification.method)</td><td>\(TimeText.plain(notification.due))</td><td>\(outcome)</td></tr>
            """
    }

    // MARK: - Runs

    private var runsSection: HTML {
        guard !runs.isEmpty else { return .empty }
        return "<section aria-labelledby=\"runs\"><h2 id=\"runs\">Runs</h2>\(runs.reversed().map(runBlock))</section>"
    }

    private func runBlock(_ run: Run) -> HTML {
        let cancel = HTML.when(!run.state.isFinal && viewer.may(.responder), """
            <form method="post" action="/actions/runs/\(run.id.description)/cancel" class="inline">\(csrf)
            <button type="submit" class="danger">Cancel run</button></form>
            """)
        return """
            <article class="run" id="run-\(run.id.description)"><h3>\(run.id.description) · <a href="/runbooks/\(run.runbook)">\(run.runbook)</a>
            <span class="state \(run.state.rawValue)">\(run.state.rawValue)</span></h3>
            <p class="muted">started \(TimeText.ago(run.createdAt, now: now)) by \(run.actor) at runbook commit <code>\(run.runbookCommit.short)</code>\(run.outcome.map { "; \($0)" as HTML } ?? .empty)</p>
            \(cancel)
            <table class="steps"><thead><tr><th scope="col">#</th><th scope="col">Step</th><th scope="col">Status</th><th scope="col">Exit</th>
            <th scope="col">Attempts</th><th scope="col">Took</th><th scope="col">Decided by</th><th scope="col">Log</th></tr></thead>
            <tbody>\(run.steps.enumerated().map { stepRow(run, $0.offset, $0.element) })</tbody></table></article>
            """
    }

    private func stepRow(_ run: Run, _ index: Int, _ step: StepRecord) -> HTML {
        let decide = HTML.when(step.state == .awaitingApproval && viewer.may(.approver), """
            <form method="post" action="/actions/runs/\(run.id.description)/approve" class="inline">\(csrf)<button type="submit">Approve</button></form>
            <form method="post" action="/actions/runs/\(run.id.description)/deny" class="inline">\(csrf)<button type="submit" class="danger">Deny</button></form>
            """)
        let log: HTML = step.state == .pending || step.state == .awaitingApproval ? .empty
            : "<a href=\"/api/v1/runs/\(run.id.description)/steps/\(step.id)/log\">log</a>"
        let live = HTML.when(!run.state.isFinal && (step.state == .running || step.state == .awaitingApproval || step.state == .pending), """
            <tr class="live-log"><td></td><td colspan="7"><pre class="output" data-run="\(run.id.description)" data-index="\(index)" aria-live="polite"></pre></td></tr>
            """)
        // A finished step keeps showing what it printed, so the lines watched live do not vanish when it ends.
        let output = outputs[run.id]?[step.id].map { text -> HTML in
            "<tr class=\"step-output\"><td></td><td colspan=\"7\"><details open><summary>output</summary><pre class=\"log\">\(text)</pre></details></td></tr>"
        } ?? .empty
        let host: HTML = step.host.map { " <span class=\"meta\">on \($0)</span>" } ?? .empty
        return """
            <tr data-step="\(step.id)"><td>\(index + 1)</td><td>\(step.title)\(host)</td><td><span class="state \(step.state.rawValue)">\(step.state.rawValue)</span> \(decide)</td>
            <td>\(Self.exit(step.exitCode, step.signal, step.connectionFailed))</td><td>\(step.attempts)</td>
            <td>\(step.durationSeconds.map { String(format: "%.1f s", $0) } ?? "")</td><td>\(step.decidedBy ?? "")</td><td>\(log)</td></tr>
            \((step.hosts ?? []).map(hostRow))\(output)\(live)
            """
    }

    /// One host of a step fanned out over several, under the step's row.
    private func hostRow(_ part: StepHostRecord) -> HTML {
        """
        <tr class="step-host" data-host="\(part.name)"><td></td><td>\(part.name)</td><td><span class="state \(part.state.rawValue)">\(part.state.rawValue)</span></td>
        <td>\(Self.exit(part.exitCode, part.signal, part.connectionFailed))</td><td>\(part.attempts)</td>
        <td>\(part.durationSeconds.map { String(format: "%.1f s", $0) } ?? "")</td><td></td><td></td></tr>
        """
    }

    /// The exit status, the signal, or ssh's own failure.
    private static func exit(_ code: Int32?, _ signal: Int32?, _ connectionFailed: Bool?) -> String {
        if connectionFailed == true { return "ssh failed (255)" }
        return code.map { "\($0)" } ?? signal.map { "signal \($0)" } ?? ""
    }

    // MARK: - Notes and timeline

    private var notes: HTML {
        let notes = incident.workNotes.filter { $0.kind == .note }
        guard !notes.isEmpty else { return .empty }
        return """
            <section aria-labelledby="notes"><h2 id="notes">Notes</h2><ol class="notes">\(notes.reversed().map { note -> HTML in
                "<li><p class=\"meta\">\(note.author), \(TimeText.ago(note.time, now: now))</p><p class=\"text\">\(IncidentListPage.clipped(note.text, to: 10_000))</p></li>" })</ol></section>
            """
    }

    private var timelineSection: HTML {
        """
        <section aria-labelledby="timeline"><h2 id="timeline">Timeline</h2>
        <table class="timeline"><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">By</th><th scope="col">What</th><th scope="col">Commit</th></tr></thead>
        <tbody>\(timeline.map { event -> HTML in
            """
            <tr><td>\(TimeText.plain(event.time))</td><td>\(event.name.rawValue)</td><td>\(event.actor)</td>
            <td>\(IncidentListPage.clipped(event.subject, to: 300))</td><td><a href="/audit/\(event.commit.hex)"><code>\(event.commit.short)</code></a></td></tr>
            """ })</tbody></table></section>
        """
    }

    // MARK: - Actions

    private var csrf: HTML { "<input type=\"hidden\" name=\"csrf\" value=\"\(viewer.csrf)\">" }

    private var actions: HTML {
        guard viewer.may(.responder) else {
            return "<p class=\"muted\">Your role (\(viewer.role.rawValue)) can only read. Acting needs responder or higher.</p>"
        }
        let path = "/actions/incidents/\(incident.number.description)"
        let acknowledge: HTML = incident.acknowledgedBy == nil
            ? "<form method=\"post\" action=\"\(path)/acknowledge\" class=\"inline\">\(csrf)<button type=\"submit\" class=\"primary\">Acknowledge</button></form>"
            : "<form method=\"post\" action=\"\(path)/unacknowledge\" class=\"inline\">\(csrf)<button type=\"submit\">Withdraw acknowledgement</button></form>"
        let open = incident.state.isOpen
        return """
            \(HTML.when(open, """
                \(acknowledge)
                <form method="post" action="\(path)/snooze" class="inline">\(csrf)<label>Snooze <select name="duration">
                <option value="15m">15 minutes</option><option value="30m" selected>30 minutes</option><option value="1h">1 hour</option><option value="4h">4 hours</option>
                </select></label> <button type="submit">Snooze</button></form>
                """))
            \(transitionForm(path))
            <form method="post" action="\(path)/note" class="stacked">\(csrf)<label>Note <textarea name="text" rows="3" required maxlength="100000"></textarea></label>
            <button type="submit">Add note</button></form>
            """
    }

    private func transitionForm(_ path: String) -> HTML {
        let targets = IncidentState.allCases.filter { incident.state.canMove(to: $0) && $0 != incident.state }
        guard !targets.isEmpty else { return .empty }
        return """
            <form method="post" action="\(path)/transition" class="stacked">\(csrf)
            <label>Move to <select name="state">\(targets.map { "<option value=\"\($0.rawValue)\">\($0.title)</option>" as HTML })</select></label>
            <label>Hold reason (for On Hold) <select name="hold_reason"><option value="">–</option>\(HoldReason.allCases.map { "<option value=\"\($0.rawValue)\">\($0.title)</option>" as HTML })</select></label>
            <label>Close code (for Resolved) <select name="close_code"><option value="">–</option>\(CloseCode.allCases.map { "<option value=\"\($0.rawValue)\">\($0.title)</option>" as HTML })</select></label>
            <label>Close notes (for Resolved) <textarea name="close_notes" rows="2" maxlength="100000"></textarea></label>
            <button type="submit">Move</button></form>
            """
    }
}
