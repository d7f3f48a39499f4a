import Wiki

/// The outcome of ``AuditVerifier/verify(full:progress:)``: how much was checked, and the first failure if any.
public struct AuditVerification: Sendable, Equatable {
    /// The branch verified.
    public let branch: String
    /// The branch head the run verified up to; nil when the branch does not exist.
    public let head: ObjectID?
    /// The previously verified head the run started after (incremental); nil when it checked from the root commit.
    public let since: ObjectID?
    /// Commits that passed the checks in this run (the failing one is not counted).
    public let commitsChecked: Int
    /// Incidents on the branch up to the last good commit (numbers have no gaps, so this is also the highest).
    public let incidents: Int
    /// Jobs (runs without an incident) on the branch up to the last good commit, likewise.
    public let jobs: Int
    /// The first problem; nil when everything checked out.
    public let failure: AuditFailure?

    /// Whether the branch passed.
    public var succeeded: Bool {
        failure == nil
    }

    /// A report; normally made by ``AuditVerifier``.
    public init(branch: String, head: ObjectID?, since: ObjectID?, commitsChecked: Int, incidents: Int, jobs: Int = 0, failure: AuditFailure?) {
        self.branch = branch
        self.head = head
        self.since = since
        self.commitsChecked = commitsChecked
        self.incidents = incidents
        self.jobs = jobs
        self.failure = failure
    }
}
