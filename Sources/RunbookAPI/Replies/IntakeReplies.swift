/// `POST /api/v1/alerts/alertmanager` and `/grafana`: what came of each alert of the group, in order.
public struct IntakeReply: Codable, Sendable {
    public struct Alert: Codable, Sendable {
        public let fingerprint: String
        /// `opened`, `unchanged`, `resolved`, `noted`.
        public let outcome: String
        public let incident: String?

        public init(fingerprint: String, outcome: String, incident: String?) {
            self.fingerprint = fingerprint
            self.outcome = outcome
            self.incident = incident
        }
    }

    public let alerts: [Alert]

    public init(alerts: [Alert]) {
        self.alerts = alerts
    }
}

/// `POST /v2/enqueue`: PagerDuty Events API v2's own answer, which its senders read.
public struct PagerDutyReply: Codable, Sendable {
    public let status: String
    public let message: String
    public var dedupKey: String?
    public var errors: [String]?

    public init(status: String, message: String, dedupKey: String? = nil, errors: [String]? = nil) {
        self.status = status
        self.message = message
        self.dedupKey = dedupKey
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case status, message, errors
        case dedupKey = "dedup_key"
    }
}
