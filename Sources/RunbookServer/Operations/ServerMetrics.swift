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
        _ = counter("runbook_anomalies_total", [])
        // Every channel's counters exist from the start: Prometheus' increase() needs a sample before the first failure
        // to see it (contrib/prometheus/runbook-rules.yml, RunbookNotificationsFailing).
        for channel in ["webhook", "slack", "ntfy", "email", "spoken", "unconfigured"] {
            for outcome in ["delivered", "failed"] {
                _ = counter("runbook_notifications_total", [("channel", channel), ("outcome", outcome)])
            }
        }
    }

    /// One alert or event taken in: `source` (alertmanager, pagerduty, grafana, rest, telemetry) and
    /// what came of it (opened, deduplicated, resolved, unchanged, rejected).
    func recordIntake(source: String, outcome: String, count: Int = 1) {
        counter("runbook_intake_total", [("source", source), ("outcome", outcome)]).increment(by: Int64(count))
    }

    /// How long a caller waited for its change to be committed durably to the audit branch.
    func recordAuditCommit(_ duration: Duration) {
        histogram("runbook_audit_commit_seconds", []).record(duration)
    }

    func recordRun(_ run: Run, duration: Duration) {
        counter("runbook_runs_total", [("state", run.state.rawValue)]).increment()
        histogram("runbook_run_duration_seconds", []).record(duration)
    }

    func recordStep(_ step: StepRecord) {
        guard let seconds = step.durationSeconds else { return }
        histogram("runbook_step_duration_seconds", [("state", step.state.rawValue)])
            .record(.milliseconds(Int64(seconds * 1000)))
    }

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        counter("runbook_http_requests_total", [("method", method), ("route", route), ("status", String(status))])
            .increment()
        histogram("runbook_http_request_duration_seconds", [("route", route)])
            .record(duration)
    }

    /// Telemetry samples taken in and rejected (malformed, NaN, out of order, duplicate, out of window).
    func recordSamples(format: String, accepted: Int, rejected: Int) {
        counter("runbook_telemetry_samples_total", [("format", format), ("outcome", "accepted")])
            .increment(by: Int64(accepted))
        counter("runbook_telemetry_samples_total", [("format", format), ("outcome", "rejected")])
            .increment(by: Int64(rejected))
    }

    func recordAnomalies(_ count: Int) {
        counter("runbook_anomalies_total", []).increment(by: Int64(count))
    }

    /// Sets a gauge to `value` (telemetry series, evictions and the like, read at scrape time).
    func set(_ name: String, _ value: Double, labels: [(String, String)] = []) {
        gauge(name, labels).set(value)
    }

    /// A notification's outcome on a channel (webhook, slack, ntfy, email, spoken; `unconfigured` when the recipient's
    /// contact method could not be worked out).
    func recordNotification(channel: String, delivered: Bool) {
        counter("runbook_notifications_total", [("channel", channel), ("outcome", delivered ? "delivered" : "failed")])
            .increment()
    }

    // MARK: - The registry's metrics, each with its help text

    /// The `# HELP` of every metric the registry keeps (docs/metrics.md has the same, with labels and bounds). One
    /// table, because the client library stops the process when two calls give one name different help.
    static let help: [String: String] = [
        "runbook_anomalies_total": "Anomalies the detector raised.",
        "runbook_intake_total": "Alerts and events taken in, by source and what came of them.",
        "runbook_audit_commit_seconds": "How long a caller waited for its change to be durable on the audit branch.",
        "runbook_runs_total": "Runs that ended, by end state.",
        "runbook_run_duration_seconds": "How long runs took.",
        "runbook_step_duration_seconds": "How long steps took, by end state.",
        "runbook_http_requests_total": "HTTP requests by method, route and status.",
        "runbook_http_request_duration_seconds": "HTTP request durations by route.",
        "runbook_telemetry_samples_total": "Telemetry samples taken in and rejected, by format.",
        "runbook_notifications_total": "Notifications by channel and outcome, after the notifier's retries.",
        "runbook_incidents": "Incidents by state and priority.",
        "runbook_sla_breaches": "SLA breaches recorded, by kind.",
        "runbook_runs_active": "Runs holding a worker.",
        "runbook_runs_awaiting_approval": "Runs waiting for a person to approve a step.",
        "runbook_run_approval_oldest_wait_seconds": "How long the oldest run awaiting approval has waited; 0 when none.",
        "runbook_event_subscribers": "Subscribers of the event stream.",
        "runbook_audit_journal_events": "Events acknowledged and journaled but not yet committed to the audit branch.",
        "runbook_audit_journal_failed_cycles": "Audit commit cycles that failed since the start (each is retried a second later).",
        "runbook_telemetry_series": "Series the anomaly detector watches.",
        "runbook_telemetry_series_evicted": "Series evicted by the series limit since the start.",
        "runbook_telemetry_samples_out_of_order": "Samples older than their series' last one, since the start.",
        "runbook_telemetry_samples_duplicate": "Samples at their series' last timestamp, since the start.",
        "runbook_audit_remote_lag_commits": "Audit commits a remote is behind (-1: unknown).",
        "runbook_audit_remote_last_push_timestamp_seconds": "When the audit branch was last pushed to a remote.",
        "runbook_audit_remote_rejected": "1 when a remote refused the audit branch (it was rewritten there).",
    ]

    private static func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help[name] ?? "")
    }

    private func counter(_ name: String, _ labels: [(String, String)]) -> Counter {
        registry.makeCounter(descriptor: Self.descriptor(name), labels: labels)
    }

    private func gauge(_ name: String, _ labels: [(String, String)]) -> Gauge {
        registry.makeGauge(descriptor: Self.descriptor(name), labels: labels)
    }

    private func histogram(_ name: String, _ labels: [(String, String)]) -> DurationHistogram {
        registry.makeDurationHistogram(descriptor: Self.descriptor(name), labels: labels, buckets: Self.durationBuckets)
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
                gauge("runbook_incidents", [("state", state.rawValue), ("priority", String(priority.rawValue))])
                    .set(Double(counts["\(state.rawValue)|\(priority.rawValue)"] ?? 0))
            }
        }
        for (kind, count) in breaches {
            gauge("runbook_sla_breaches", [("kind", kind)]).set(Double(count))
        }
        return registry.emitToString() + DeadlineMetrics(limit: incidentLimit).render(incidents: incidents, paging: paging, now: now)
    }
}
