/// The bodies the CLI sends to the server, spelled as its API documents them.
enum APIRequest {
    /// `POST /api/v1/incidents`: an alert from a person or script.
    struct NewIncident: Encodable {
        let shortDescription: String
        var description: String?
        var labels: [String: String]?
        var annotations: [String: String]?
        var dedupKey: String?

        enum CodingKeys: String, CodingKey {
            case description, labels, annotations
            case shortDescription = "short_description"
            case dedupKey = "dedup_key"
        }
    }

    /// `POST /api/v1/incidents/{number}/transition`.
    struct Transition: Encodable {
        let state: String
        let holdReason: String?
        let closeCode: String?
        let closeNotes: String?

        enum CodingKeys: String, CodingKey {
            case state
            case holdReason = "hold_reason"
            case closeCode = "close_code"
            case closeNotes = "close_notes"
        }
    }

    /// `POST /api/v1/incidents/{number}/notes`.
    struct Note: Encodable {
        let text: String
    }

    /// `POST /api/v1/runs/{id}/approve`, `/deny`, `/cancel`.
    struct Reason: Encodable {
        let reason: String?
    }
}
