import ITIL

/// A body of this API, all of whose fields it knows: a field it does not know is a typo to report
/// (`impcat`), not one to drop while the default takes its place.
public protocol APIRequestBody: Codable, Sendable {
    associatedtype Field: CodingKey & CaseIterable

    /// What `field` takes when it takes a closed list (`1 (high), 2 (medium) or 3 (low)`, `one of: new, ...`),
    /// for a refusal to name; nil for a field that takes any value of its type.
    static func acceptedValues(of field: Field) -> String?
}

extension APIRequestBody {
    public static var fieldNames: [String] { Field.allCases.map(\.stringValue) }

    /// Fields take any value of their type unless the body says otherwise.
    public static func acceptedValues(of field: Field) -> String? { nil }

    /// ``acceptedValues(of:)`` by the field's JSON name; nil for a name the body does not have.
    public static func acceptedValues(ofField name: String) -> String? {
        Field(stringValue: name).flatMap(acceptedValues(of:))
    }
}

/// The JSON bodies clients send to the API: the server decodes them, the CLI's `--server` mode
/// encodes them, so both spell the wire format from one place.
public enum APIBody {
    /// `POST /api/v1/incidents`: a problem reported by a person or a script.
    public struct NewIncident: APIRequestBody {
        public typealias Field = CodingKeys
        public var shortDescription: String
        public var description: String?
        public var severity: String?
        public var labels: [String: String]?
        public var annotations: [String: String]?
        /// Reports with the same key go to the same open incident; without one, each is new.
        public var dedupKey: String?
        /// 1 (high) to 3 (low); with `urgency`, the priority. Each left out is the matching runbook's, else 2.
        public var impact: Int?
        public var urgency: Int?
        /// Left out: the matching runbook's.
        public var service: String?
        public var category: String?

        public init(shortDescription: String, description: String? = nil, severity: String? = nil, labels: [String: String]? = nil,
                    annotations: [String: String]? = nil, dedupKey: String? = nil, impact: Int? = nil, urgency: Int? = nil,
                    service: String? = nil, category: String? = nil) {
            self.shortDescription = shortDescription
            self.description = description
            self.severity = severity
            self.labels = labels
            self.annotations = annotations
            self.dedupKey = dedupKey
            self.impact = impact
            self.urgency = urgency
            self.service = service
            self.category = category
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case description, severity, labels, annotations, impact, urgency, service, category
            case shortDescription = "short_description"
            case dedupKey = "dedup_key"
        }

        /// What impact and urgency take, as a refusal says it.
        public static let scaleValues = "1 (high), 2 (medium) or 3 (low)"

        public static func acceptedValues(of field: CodingKeys) -> String? {
            field == .impact || field == .urgency ? scaleValues : nil
        }
    }

    /// `POST /api/v1/runbooks/{id}/runs`: run a runbook by hand, on an incident (`incident`) or on a new one (`open`).
    public struct NewRun: APIRequestBody {
        public typealias Field = CodingKeys
        /// Parameter name → value, checked like values from an alert.
        public var params: [String: String]?
        /// `INC0000042`: record the run on this incident.
        public var incident: String?
        /// Open a new incident for the run.
        public var open: Bool?

        public init(params: [String: String]? = nil, incident: String? = nil, open: Bool? = nil) {
            self.params = params
            self.incident = incident
            self.open = open
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case params, incident, open
        }
    }

    /// `POST /api/v1/incidents/{number}/transition`.
    public struct Transition: APIRequestBody {
        public typealias Field = CodingKeys
        public var state: String
        public var holdReason: String?
        public var closeCode: String?
        public var closeNotes: String?

        public init(state: String, holdReason: String? = nil, closeCode: String? = nil, closeNotes: String? = nil) {
            self.state = state
            self.holdReason = holdReason
            self.closeCode = closeCode
            self.closeNotes = closeNotes
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case state
            case holdReason = "hold_reason"
            case closeCode = "close_code"
            case closeNotes = "close_notes"
        }

        /// A value outside these lists that is a string is refused by ``LocalClient/transition(_:_:)``, which
        /// also reads the spellings people type ("In Progress"); these name them when it is not a string.
        public static func acceptedValues(of field: CodingKeys) -> String? {
            switch field {
            case .state: "one of: \(IncidentState.spellings)"
            case .holdReason: "one of: \(HoldReason.spellings)"
            case .closeCode: "one of: \(CloseCode.spellings)"
            case .closeNotes: nil
            }
        }
    }

    /// `POST /api/v1/incidents/{number}/notes`.
    public struct Note: APIRequestBody {
        public var text: String

        public init(text: String) { self.text = text }

        public enum Field: String, CodingKey, CaseIterable { case text }
    }

    /// `POST /api/v1/incidents/{number}/snooze`: a timed acknowledgement; escalation starts over when it ends.
    public struct Snooze: APIRequestBody {
        /// How long, as `30m`, `2h`, `1d`.
        public var duration: String

        public init(duration: String) { self.duration = duration }

        public enum Field: String, CodingKey, CaseIterable { case duration }
    }

    /// `POST /api/v1/runs/{id}/approve`, `/deny` (reason required), `/cancel`.
    public struct Reason: APIRequestBody {
        public var reason: String?

        public init(reason: String?) { self.reason = reason }

        public enum Field: String, CodingKey, CaseIterable { case reason }
    }
}
