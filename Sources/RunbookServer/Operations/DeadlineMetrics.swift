import Foundation
import ITIL

/// The ITIL deadlines as Prometheus metrics, for the team's own Prometheus to graph and alert on
/// (`contrib/prometheus/runbook-rules.yml`, docs/metrics.md).
///
/// Written as exposition text at each scrape from the open incidents, rather than kept in the registry, so an incident
/// that closes simply stops appearing: a registry gauge per incident would stay until someone removed it. Per-incident
/// series are bounded: only the `limit` open incidents with the soonest deadlines get them, and
/// `runbook_incident_deadlines_omitted` says how many the bound left out at this scrape.
struct DeadlineMetrics {
    /// How far one incident's escalation went.
    struct Paging: Sendable {
        /// The level last paged, from 1.
        var level: Int
        /// When a page was last delivered, if one was.
        var lastPage: Date?
    }

    /// Most incidents with per-incident series.
    let limit: Int

    /// A deadline not met yet: the response until someone responds, the resolution until the incident is resolved
    /// (not while On Hold, when that clock is paused and cannot be missed).
    struct Pending {
        let incident: Incident
        let kind: SLABreach.Kind
        let due: Date
    }

    static func pending(_ incident: Incident) -> [Pending] {
        guard incident.state.isOpen else { return [] }
        var pending: [Pending] = []
        if let due = incident.sla.responseDue, incident.sla.respondedAt == nil {
            pending.append(Pending(incident: incident, kind: .response, due: due))
        }
        if let due = incident.sla.resolutionDue, !incident.sla.isPaused(.resolution) {
            pending.append(Pending(incident: incident, kind: .resolution, due: due))
        }
        return pending
    }

    /// The metric families, as exposition text.
    func render(incidents: [Incident], paging: [IncidentNumber: Paging], now: Date) -> String {
        let pending = incidents.flatMap(Self.pending)
        var text = ExpositionText()
        perIncident(pending, paging: paging, into: &text)
        summaries(pending, now: now, into: &text)
        return text.lines
    }

    /// Due times, escalation levels and last pages of the `limit` incidents whose next deadline is soonest.
    private func perIncident(_ pending: [Pending], paging: [IncidentNumber: Paging], into text: inout ExpositionText) {
        let soonest = Dictionary(grouping: pending, by: \.incident.number).mapValues { $0.map(\.due).min()! }
        let kept = Set(soonest.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.prefix(limit).map(\.key))
        let shown = pending.filter { kept.contains($0.incident.number) }
            .sorted { ($0.incident.number, $0.kind.rawValue) < ($1.incident.number, $1.kind.rawValue) }

        text.family("runbook_incident_deadline_timestamp_seconds", "gauge",
                    "When an open incident's response or resolution target is due (Unix seconds), until it is met.")
        for deadline in shown {
            text.sample("runbook_incident_deadline_timestamp_seconds", Self.labels(deadline.incident) + [("kind", deadline.kind.rawValue)],
                        deadline.due.timeIntervalSince1970)
        }
        text.family("runbook_incident_deadlines_omitted", "gauge",
                    "Open incidents with a pending deadline left out of the per-incident series by the limit (--metrics-incident-limit).")
        text.sample("runbook_incident_deadlines_omitted", [], Double(soonest.count - kept.count))

        // `shown` is in incident order, an incident's deadlines side by side: its first one stands for it.
        let escalated = shown.enumerated().compactMap { index, deadline -> (Incident, Paging)? in
            guard index == 0 || shown[index - 1].incident.number != deadline.incident.number else { return nil }
            return paging[deadline.incident.number].map { (deadline.incident, $0) }
        }
        text.family("runbook_incident_escalation_level", "gauge", "The escalation level last paged for an open incident, from 1.")
        for (incident, state) in escalated {
            text.sample("runbook_incident_escalation_level", Self.labels(incident), Double(state.level))
        }
        text.family("runbook_incident_last_page_timestamp_seconds", "gauge", "When a page about an open incident was last delivered (Unix seconds).")
        for (incident, state) in escalated {
            guard let page = state.lastPage else { continue }
            text.sample("runbook_incident_last_page_timestamp_seconds", Self.labels(incident), page.timeIntervalSince1970)
        }
    }

    /// Per priority and kind, over every open incident: the seconds to the next deadline, and how many are due soon.
    private func summaries(_ pending: [Pending], now: Date, into text: inout ExpositionText) {
        let upcoming = pending.filter { $0.due > now }
        text.family("runbook_sla_next_deadline_seconds", "gauge", "Seconds until the soonest deadline not yet due, per priority and kind.")
        for priority in Priority.allCases {
            for kind in SLABreach.Kind.allCases {
                guard let due = upcoming.filter({ $0.incident.priority == priority && $0.kind == kind }).map(\.due).min() else { continue }
                text.sample("runbook_sla_next_deadline_seconds", [("priority", String(priority.rawValue)), ("kind", kind.rawValue)],
                            due.timeIntervalSince(now))
            }
        }
        text.family("runbook_incidents_due", "gauge", "Open incidents whose response or resolution target falls due within the window.")
        for kind in SLABreach.Kind.allCases {
            for (window, seconds) in [("15m", 900.0), ("1h", 3600.0)] {
                let count = upcoming.filter { $0.kind == kind && $0.due.timeIntervalSince(now) <= seconds }.count
                text.sample("runbook_incidents_due", [("kind", kind.rawValue), ("within", window)], Double(count))
            }
        }
    }

    private static func labels(_ incident: Incident) -> [(String, String)] {
        [("number", incident.number.description), ("priority", String(incident.priority.rawValue)), ("service", incident.service ?? "")]
    }
}
