import Foundation

/// An alert that may run a runbook: what `runbook trigger` and the intake adapters hand the executor.
public struct AlertTrigger: Sendable {
    /// The alert's labels: matched against runbooks; attacker-controlled.
    public var labels: [String: String]
    /// The alert's annotations (summary, description ...); attacker-controlled too.
    public var annotations: [String: String]
    /// One line for the incident; default the `summary` annotation, else the alert name.
    public var summary: String?
    /// Where it came from (`cli`, `alertmanager` ...) and its identity for dedup, if it has one;
    /// without a key, the labels' fingerprint is used.
    public var source: String
    public var key: String?

    public init(labels: [String: String], annotations: [String: String] = [:], summary: String? = nil, source: String = "cli",
                key: String? = nil) {
        self.labels = labels
        self.annotations = annotations
        self.summary = summary
        self.source = source
        self.key = key
    }

    /// The incident's one-line summary.
    var shortDescription: String {
        let candidates = [summary, annotations["summary"], labels["alertname"].map { "\($0) alert" }]
        return candidates.compactMap { $0 }.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? "Alert"
    }
}
