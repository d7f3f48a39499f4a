import Foundation
import ITIL

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
    /// What the reporter says about the incident, where it differs from what the matching runbook
    /// sets: a person opening an incident by hand knows how bad it is better than the runbook's defaults.
    public var assessment: Assessment

    /// A reporter's impact, urgency, service and category; nil leaves each to the runbook.
    public struct Assessment: Sendable {
        public var impact: Impact?
        public var urgency: Urgency?
        public var service: String?
        public var category: String?

        public init(impact: Impact? = nil, urgency: Urgency? = nil, service: String? = nil, category: String? = nil) {
            self.impact = impact
            self.urgency = urgency
            self.service = service
            self.category = category
        }
    }

    public init(labels: [String: String], annotations: [String: String] = [:], summary: String? = nil, source: String = "cli",
                key: String? = nil, assessment: Assessment = Assessment()) {
        self.labels = labels
        self.annotations = annotations
        self.summary = summary
        self.source = source
        self.key = key
        self.assessment = assessment
    }

    /// The incident's one-line summary, in full (``RunLauncher`` cuts it to the record's limit and keeps the
    /// rest in the description).
    public var shortDescription: String {
        let candidates = [summary, annotations["summary"], labels["alertname"].map { "\($0) alert" }]
        return candidates.compactMap { $0 }.first { !$0.isBlank } ?? "Alert"
    }
}
