import Runbooks

/// `GET /api/v1/runbooks`: the wiki's pages at the commit the server runs.
public struct RunbookList: Codable, Sendable {
    public let commit: String
    public let runbooks: [RunbookSummary]

    public init(commit: String, runbooks: [RunbookSummary]) {
        self.commit = commit
        self.runbooks = runbooks
    }
}
