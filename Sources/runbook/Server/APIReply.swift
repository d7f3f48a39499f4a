import Executor
import Foundation
import Runbooks

/// The shapes of the server's answers that are not records of their own (`Incident` and `Run`
/// decode as they are): pages of lists and decisions.
enum APIReply {
    /// `GET /api/v1/incidents`.
    struct IncidentPage: Decodable {
        let incidents: [IncidentSummary]
        let total: Int
    }

    /// An incident in a list.
    struct IncidentSummary: Decodable {
        let number: String
        let shortDescription: String
        let state: String
        let priority: Int
        let openedAt: Date

        enum CodingKeys: String, CodingKey {
            case number, state, priority
            case shortDescription = "short_description"
            case openedAt = "opened_at"
        }
    }

    /// `GET /api/v1/runs`.
    struct RunPage: Decodable {
        let runs: [Run]
        let total: Int
    }

    /// `POST /api/v1/runs/{id}/approve`, `/deny` and `/cancel`.
    struct Decision: Decodable {
        let run: String
        let step: String?
        let verdict: String
        let by: String
    }

    /// `GET /api/v1/runbooks`: the wiki's pages at the server's commit.
    struct RunbookList: Decodable {
        let commit: String
        let runbooks: [RunbookEntry]
    }

    /// A page in the runbook list; `errors` is non-empty when it does not load.
    struct RunbookEntry: Decodable {
        let id: String
        let path: String
        let errors: [String]
    }

    /// `GET /api/v1/runbooks/{id}`.
    struct ShownRunbook: Decodable {
        let runbook: Runbooks.Runbook
    }
}
