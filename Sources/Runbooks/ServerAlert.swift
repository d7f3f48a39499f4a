/// An alert the server raises itself, as runbooks see it: its `alertname` and the annotations it always or sometimes
/// carries. Lint warns when a runbook that matches it reads an annotation it never has (the bundled `cpu-anomaly`
/// once read `annotations.score`, which no alert carried, and printed "score ?").
public struct ServerAlert: Sendable {
    /// The `alertname` label.
    public let alertname: String
    /// Every annotation it may carry.
    public let annotations: Set<String>

    /// The telemetry anomaly detector's alert (`TelemetryController.alert(for:)`).
    public static let anomaly = ServerAlert(
        alertname: "AnomalyDetected",
        annotations: ["summary", "anomaly_score", "value", "expected_lower", "expected_upper", "observed_at", "view",
                      "normal_since", "host"])

    /// The alerts the server raises.
    public static let all = [anomaly]

    /// The server alert `matchers` select by an exact `alertname`, if any.
    static func selected(by matchers: [Matcher]) -> ServerAlert? {
        all.first { alert in matchers.contains { $0.name == "alertname" && $0.op == .equal && $0.value == alert.alertname } }
    }
}
