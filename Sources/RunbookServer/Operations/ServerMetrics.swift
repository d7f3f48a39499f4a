import Executor
import Foundation
import ITIL
import Prometheus

/// What `GET /metrics` shows, in Prometheus text format.
///
/// Counters and histograms are kept as things happen; the incident gauges are computed from the
/// store at each scrape, so they are right after a restart too.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        .seconds(300),
    ]

    public init() {
        // Shown as 0 from the start, so a dashboard sees "none yet" rather than no series.
        _ = registry.makeCounter(name: "runbook_anomalies_total", labels: [])
        // Every channel's counters exist from the start: Prometheus' increase() needs a sample before the first failure
        // to see it (contrib/prometheus/runbook-rules.yml, RunbookNotificationsFailing).
        for channel in ["webhook", "slack", "ntfy", "email", "spoken", "unconfigured"] {
            for outcome in ["delivered", "failed"] {
                _ = registry.makeCounter(name: "runbook_notifications_total", labels: [("channel", channel), ("outcome", outcome)])
            }
        }
    }

    /// One alert or event taken in: `source` (alertmanager, pagerduty, grafana, rest, telemetry) and
    /// what came of it (opened, deduplicated, resolved, unchanged, rejected).
    func recordIntake(source: String, outcome: String, count: Int = 1) {
        registry.makeCounter(name: "runbook_intake_total", labels: [("source", source), ("outcome", outcome)]).increment(by: Int64(count))
    }

    /// How long a caller waited for its change to be committed durably to the audit branch.
    func recordAuditCommit(_ duration: Duration) {
        registry.makeDurationHistogram(name: "runbook_audit_commit_seconds", labels: [], buckets: Self.durationBuckets).record(duration)
    }

    func recordRun(_ run: Run, duration: Duration) {
        registry.makeCounter(name: "runbook_runs_total", labels: [("state", run.state.rawValue)]).increment()
        registry.makeDurationHistogram(name: "runbook_run_duration_seconds", labels: [], buckets: Self.durationBuckets).record(duration)
    }

    func recordStep(_ step: StepRecord) {
        guard let seconds = step.durationSeconds else { return }
        registry.makeDurationHistogram(name: "runbook_step_duration_seconds", labels: [("state", step.state.rawValue)],
                                       buckets: Self.durationBuckets)
            .record(.milliseconds(Int64(seconds * 1000)))
    }

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(name: "runbook_http_requests_total", labels: [("method", method), ("route", route), ("status", String(status))])
            .increment()
        registry.makeDurationHistogram(name: "runbook_http_request_duration_seconds", labels: [("route", route)], buckets: Self.durationBuckets)
            .record(duration)
    }

    /// Telemetry samples taken in and rejected (malformed, NaN, out of order, duplicate, out of window).
    func recordSamples(format: String, accepted: Int, rejected: Int) {
        registry.makeCounter(name: "runbook_telemetry_samples_total", labels: [("format", format), ("outcome", "accepted")])
            .increment(by: Int64(accepted))
        registry.makeCounter(name: "runbook_telemetry_samples_total", labels: [("format", format), ("outcome", "rejected")])
            .increment(by: Int64(rejected))
    }

    func recordAnomalies(_ count: Int) {
        registry.makeCounter(name: "runbook_anomalies_total", labels: []).increment(by: Int64(count))
    }

    /// Sets a gauge to `value` (telemetry series, evictions and the like, read at scrape time).
    func set(_ name: String, _ value: Double, labels: [(String, String)] = []) {
        registry.makeGauge(name: name, labels: labels).set(value)
    }

    /// A notification's outcome on a channel (webhook, slack, ntfy, email, spoken; `unconfigured` when the recipient's
    /// contact method could not be worked out).
    func recordNotification(channel: String, delivered: Bool) {
        registry.makeCounter(name: "runbook_notifications_total", labels: [("channel", channel), ("outcome", delivered ? "delivered" : "failed")])
            .increment()
    }

    /// The exposition text, with the incident gauges and the deadline metrics (``DeadlineMetrics``) computed from
    /// `incidents` now.
    func render(incidents: [Incident], paging: [IncidentNumber: DeadlineMetrics.Paging] = [:], incidentLimit: Int = 500,
                now: Date = Date()) -> String {
        var counts: [String: Int] = [:]
        var breaches: [String: Int] = ["response": 0, "resolution": 0]
        for incident in incidents {
            counts["\(incident.state.rawValue)|\(incident.priority.rawValue)", default: 0] += 1
            for breach in incident.sla.breaches { breaches["\(breach.kind)", default: 0] += 1 }
        }
        for state in IncidentState.allCases {
            for priority in Priority.allCases {
                registry.makeGauge(name: "runbook_incidents", labels: [("state", state.rawValue), ("priority", String(priority.rawValue))])
                    .set(Double(counts["\(state.rawValue)|\(priority.rawValue)"] ?? 0))
            }
        }
        for (kind, count) in breaches {
            registry.makeGauge(name: "runbook_sla_breaches", labels: [("kind", kind)]).set(Double(count))
        }
        return registry.emitToString() + DeadlineMetrics(limit: incidentLimit).render(incidents: incidents, paging: paging, now: now)
    }
}
