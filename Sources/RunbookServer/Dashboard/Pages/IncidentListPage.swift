import Escalation
import Foundation
import ITIL
import RunbookAPI

/// `/incidents`: what is on fire. Open incidents by default, highest priority first, then newest; filters by state,
/// priority, service, assignee and text; SLA countdowns; who was paged and who acknowledged. The table is the
/// page's live part: the script fetches it again when the event stream says something changed.
struct IncidentListPage {
    let incidents: [Incident]
    let total: Int
    let query: IncidentQuery
    /// Where each listed incident's escalation stands, when it has one.
    let escalation: [IncidentNumber: EscalationState]
    /// The event the script's stream starts after: the audit tip before the list was read.
    let replayAfter: String?
    let now: Date

    /// The whole page.
    func page(_ layout: Layout) -> HTML {
        layout.page("""
            <h1>Incidents</h1>
            \(filters)
            <div id="live" data-fragment="list"\(replayAfter.map { " data-after=\"\($0)\"" as HTML } ?? .empty)>\(live)</div>
            """, live: "incidents")
    }

    /// The part the script replaces.
    var live: HTML {
        let shown = query.paging.offset + incidents.count
        let next = shown < total ? link(offset: shown, "Next \(query.paging.limit)") : .empty
        let previous = query.paging.offset > 0
            ? link(offset: max(0, query.paging.offset - query.paging.limit), "Previous") : .empty
        guard !incidents.isEmpty else { return "<p class=\"empty\">No incidents match.</p>" }
        return """
            <p class="count">\(total) incident\(total == 1 ? "" : "s"); \(query.paging.offset + 1)–\(shown) shown. \(previous) \(next)</p>
            <table class="incidents"><thead><tr><th scope="col">Number</th><th scope="col">P</th><th scope="col">State</th>
            <th scope="col">Short description</th><th scope="col">Service</th><th scope="col">Age</th><th scope="col">Response</th>
            <th scope="col">Resolution</th><th scope="col">Paged</th><th scope="col">Acknowledged</th></tr></thead>
            <tbody>\(incidents.map(row))</tbody></table>
            """
    }

    private func row(_ incident: Incident) -> HTML {
        let sla = incident.sla
        return """
            <tr class="p\(incident.priority.rawValue)" data-incident="\(incident.number.description)">
            <td><a href="/incidents/\(incident.number.description)">\(incident.number.description)</a></td>
            <td><span class="priority p\(incident.priority.rawValue)" title="\(incident.priority.description)">P\(incident.priority.rawValue)</span></td>
            <td><span class="state \(incident.state.rawValue)">\(incident.state.title)</span></td>
            <td class="summary">\(Self.clipped(incident.shortDescription))</td>
            <td>\(incident.service ?? "")</td>
            <td>\(TimeText.ago(incident.openedAt, now: now))</td>
            <td>\(incident.state.isOpen ? TimeText.countdown(due: sla.responseDue, met: sla.responseMet, now: now) : .empty)</td>
            <td>\(incident.state.isOpen ? TimeText.countdown(due: sla.resolutionDue, met: sla.resolutionMet, paused: sla.resolutionPausedAt != nil, now: now) : .empty)</td>
            <td>\(paged(incident.number))</td>
            <td>\(incident.acknowledgedBy ?? "")</td></tr>
            """
    }

    /// Who was paged in the current cycle, and the level reached.
    private func paged(_ number: IncidentNumber) -> HTML {
        guard let state = escalation[number] else { return .empty }
        let people = Array(Set(state.currentCycle.filter { $0.kind == .page && $0.outcome != nil }.map(\.recipient))).sorted()
        guard !people.isEmpty else {
            return state.nextLevelAt.map { "<span class=\"muted\">level 1 \(TimeText.countdownText($0, now: now))</span>" } ?? .empty
        }
        return "L\(state.level): \(people.joined(separator: ", "))"
    }

    /// The filter form: a plain GET, so a filtered list is a link to share.
    private var filters: HTML {
        let states = query.states
        let open = Set(IncidentState.allCases.filter(\.isOpen))
        let options: [(String, String, Bool)] = [("open", "Open", states == open), ("", "Any", states == nil)]
            + IncidentState.allCases.map { ($0.rawValue, $0.title, states == [$0]) }
        return """
            <form class="filters" method="get" action="/incidents" role="search">
            <label>State <select name="state">\(options.map { value, title, selected -> HTML in
                "<option value=\"\(value)\"\(selected ? " selected" : "")>\(title)</option>" })</select></label>
            <label>Priority <select name="priority"><option value="">Any</option>\((1...5).map { value -> HTML in
                "<option value=\"\(value)\"\(query.priorities == [value] ? " selected" : "")>P\(value)</option>" })</select></label>
            <label>Service <input name="service" value="\(query.service ?? "")" size="12"></label>
            <label>Assignee <input name="assigned_to" value="\(query.assignedTo ?? "")" size="12"></label>
            <label>Text <input type="search" name="q" value="\(query.words ?? "")" size="16"></label>
            <button type="submit">Filter</button></form>
            """
    }

    private func link(offset: Int, _ title: String) -> HTML {
        var parameters = query.parameters
        parameters["offset"] = String(offset)
        return "<a href=\"/incidents?\(Self.queryString(parameters))\">\(title)</a>"
    }

    /// `name=value&...`, percent-encoded.
    static func queryString(_ parameters: [String: String]) -> String {
        var components = URLComponents()
        components.queryItems = parameters.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.percentEncodedQuery ?? ""
    }

    /// At most 200 characters of a text a person reads in a row (a label may be a megabyte).
    static func clipped(_ text: String, to limit: Int = 200) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}

extension TimeText {
    /// `in 4m` or `4m ago`.
    static func countdownText(_ date: Date, now: Date) -> String {
        let left = date.timeIntervalSince(now)
        return left >= 0 ? "in \(span(left))" : "\(span(left)) ago"
    }
}
