/// One runbook page in a list: `runbooks list --json` and `GET /api/v1/runbooks`.
public struct RunbookSummary: Codable, Sendable {
    public let id: String
    public let path: String
    public let title: String?
    public let steps: Int?
    public let match: [String]
    public let errors: [String]

    private enum CodingKeys: String, CodingKey {
        case id, path, title, steps, match, errors
    }

    public init(_ page: ParsedRunbook) {
        path = page.path
        id = page.runbook?.id ?? page.path
        title = page.runbook?.title
        steps = page.runbook?.steps.count
        match = page.runbook?.matchers.map(\.description) ?? []
        errors = page.diagnostics.filter { $0.severity == .error }.map(\.description)
    }
}

/// One runbook with the wiki commit it was read at: `runbooks show --json` and `GET /api/v1/runbooks/{id}`.
public struct ShownRunbook: Codable, Sendable {
    public let commit: String
    public let runbook: Runbook

    private enum CodingKeys: String, CodingKey {
        case commit, runbook
    }

    public init(commit: String, runbook: Runbook) {
        self.commit = commit
        self.runbook = runbook
    }
}
