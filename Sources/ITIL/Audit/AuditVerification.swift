import Wiki

/// The outcome of ``AuditVerifier/verify(full:progress:)``: how much was checked, and the first failure if any.
public struct AuditVerification: Sendable, Equatable {
    /// The branch verified.
    public let branch: String
    /// The branch head the run verified up to; nil when the branch does not exist.
    public internal(set) var head: ObjectID?
    /// The previously verified head the run started after (incremental); nil when it checked from the root commit.
    public internal(set) var since: ObjectID?
    /// Commits that passed the checks in this run (the failing one is not counted).
    public internal(set) var commitsChecked: Int
    /// Incidents on the branch up to the last good commit (numbers have no gaps, so this is also the highest).
    public internal(set) var incidents: Int
    /// Jobs (runs without an incident) on the branch up to the last good commit, likewise.
    public internal(set) var jobs: Int
    /// The first problem; nil when everything checked out.
    public internal(set) var failure: AuditFailure?
    /// The anchors the head was compared with (each contained in its history, unless the run failed on them).
    public internal(set) var anchors: [AuditAnchorReading] = []
    /// Whether signatures were checked (there were trusted signers to check them against).
    public internal(set) var signaturesChecked = false
    /// Signed commits among those checked.
    public internal(set) var signed = 0
    /// Unsigned commits checked from before the first signed one (written before signing began).
    public internal(set) var unsignedBeforeSigning = 0

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

    /// The report with `failure`.
    func failing(_ failure: AuditFailure) -> AuditVerification {
        var report = self
        report.failure = failure
        return report
    }

    /// The report with the counts of a run.
    func counting(_ walk: AuditVerifier.Walk) -> AuditVerification {
        var report = self
        report.incidents = walk.highest?.value ?? 0
        report.jobs = walk.highestJob?.value ?? 0
        report.signed = walk.signed
        report.unsignedBeforeSigning = walk.unsignedBeforeSigning
        return report
    }
}
