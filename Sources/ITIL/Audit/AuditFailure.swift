import Wiki

/// The first thing wrong on the audit branch: the commit where it is, and what.
public struct AuditFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bad commit; nil only when the branch itself is gone.
    public let commit: ObjectID?
    /// That commit's subject line (`INC0000042: opened (P2): Disk almost full`), empty without a commit.
    public let subject: String
    /// What is wrong.
    public let problem: AuditProblem

    /// A failure at `commit`.
    public init(commit: ObjectID?, subject: String, problem: AuditProblem) {
        self.commit = commit
        self.subject = subject
        self.problem = problem
    }

    /// A failure at `commit`, taking its subject.
    init(_ commit: Commit, _ problem: AuditProblem) {
        self.init(commit: commit.id, subject: commit.summary, problem: problem)
    }

    /// `1a2b3c4 INC0000042: work note added: the 'State:' trailer says new, the record says in-progress`.
    public var description: String {
        guard let commit else { return "\(problem)" }
        return "\(commit.short) \(subject): \(problem)"
    }
}
