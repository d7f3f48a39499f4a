import Executor
import Foundation
import HummingbirdTLS

/// How `runbook serve` listens and what it accepts; the defaults are the embedded setup's.
public struct ServerSettings: Sendable {
    /// The address to listen on; loopback unless told otherwise.
    public var host = "127.0.0.1"
    /// 0 picks a free port (tests).
    public var port = 8080
    /// Largest request body accepted, except where an endpoint says otherwise.
    public var bodyLimit = 1 << 20
    /// Alerts one Alertmanager or Grafana request may carry; more are refused with 413 (Alertmanager's
    /// receiver has `max_alerts` for this). A group is taken in chunks either way.
    public var maximumAlertsPerRequest = 1000
    /// PagerDuty's documented limit for one event.
    public var pagerDutyLimit = 512 * 1024
    /// Largest telemetry body (a batch of line protocol, an OTLP export).
    public var telemetryBodyLimit = 16 << 20
    /// How many series the anomaly detector watches at most; the least recently updated go first.
    public var maximumSeries = 100_000
    /// Most open incidents with their own deadline series on `/metrics` (the soonest deadlines first); the others are
    /// counted in `runbook_incident_deadlines_omitted`.
    public var metricsIncidentLimit = 500
    /// Shards of the series registry, scored in parallel; each holds an equal part of the bound.
    public var telemetryShards = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// On shutdown, how long running steps may go on before their runs are interrupted.
    public var shutdownGrace: Duration = .seconds(10)
    /// A connection idle this long (a slow or stuck client) is closed.
    public var idleTimeout: Duration = .seconds(30)
    /// PagerDuty events accepted per routing key and minute; more get 429.
    public var pagerDutyEventsPerMinute = 600

    /// The git servers that keep a copy of the audit branch (`--audit-remote`, `audit_remotes:` in the data
    /// directory's config.yaml).
    public var auditRemotes: [AuditRemote] = []
    /// The first wait after a failed push to an audit remote; it doubles up to ``auditRemoteLongestBackoff``.
    public var auditRemoteBackoff: Duration = .seconds(1)
    public var auditRemoteLongestBackoff: Duration = .seconds(300)

    /// The certificate and key to serve HTTPS with (`serve --tls-cert --tls-key`); nil serves plain HTTP.
    public var tls: TLSConfiguration?

    public init() {}
}
