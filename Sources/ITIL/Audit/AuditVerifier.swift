import Foundation
import Wiki

/// Checks that the audit branch is an intact record of incident events, from its root commit to its head.
///
/// Every commit must be one event of one incident: the trailers `Incident`, `Event`, `Actor`, `State` and `Priority`,
/// exactly one changed file (that incident's record), a record that parses and agrees with the trailers, and a
/// subject that starts with the number. `opened` events take the numbers 1, 2, 3 … in order; other events change an
/// incident opened before. The run stops at the first bad commit.
///
/// After a clean run the head is remembered in a mark of its own (`refs/runbook/verified/<branch>`, see ``Mark``).
/// The next run first checks that this head is still in the branch's history (a rewrite would drop or replace
/// verified events), then, unless asked for a full run, checks only the commits after it.
public struct AuditVerifier: Sendable {
    /// The repository holding the audit branch.
    public let repository: Repository
    /// The audit branch's short name.
    public let branch: String
    private let clock: @Sendable () -> Date

    /// A verifier for `branch` of `repository`; `clock` dates the mark left after a clean run.
    public init(repository: Repository, branch: String = "audit", clock: @escaping @Sendable () -> Date = { Date() }) {
        self.repository = repository
        self.branch = branch
        self.clock = clock
    }

    /// The mark that remembers the last verified head of `branch`: `refs/runbook/verified/<branch>`.
    public static func markReference(for branch: String) -> String {
        "refs/runbook/verified/\(branch)"
    }

    /// Verifies the branch up to its current head and, when it passes, remembers that head.
    ///
    /// - Parameters:
    ///   - full: check every commit from the root, not only those after the last verified head (whether that head
    ///     is still in the history is checked either way).
    ///   - progressInterval: how many commits between two calls of `progress`.
    ///   - progress: called with the number of commits checked so far, for long histories.
    /// - Returns: the report; a bad commit is a result, not an error.
    /// - Throws: only when the repository cannot be read or the mark cannot be written.
    public func verify(full: Bool = false, progressInterval: Int = 5_000, progress: (Int) -> Void = { _ in }) throws -> AuditVerification {
        _ = try repository.branchHead(branch)  // reports a bad branch name as such, not as a bad mark name
        // The mark before the head: a run that marks in between then marks an ancestor of the head read here.
        let mark = try repository.mark(Self.markReference(for: branch))
        guard let head = try repository.branchHead(branch) else {
            let failure = mark.map { AuditFailure(commit: nil, subject: "", problem: .branchDeleted(branch: branch, verified: $0.commit, verifiedAt: $0.tagger?.time)) }
            return AuditVerification(branch: branch, head: nil, since: nil, commitsChecked: 0, incidents: 0, failure: failure)
        }
        if let mark, let failure = try rewrite(of: mark, head: head) {
            return AuditVerification(branch: branch, head: head, since: nil, commitsChecked: 0, incidents: 0, failure: failure)
        }
        let since = full ? nil : mark?.commit
        var highest = try since.map(highestNumber) ?? nil
        var highestJob = try since.map(highestJob) ?? nil
        var checked = 0
        do {
            try repository.walkForward(after: since, upTo: head) { commit in
                try check(commit, highest: &highest, highestJob: &highestJob)
                checked += 1
                if checked % max(progressInterval, 1) == 0 { progress(checked) }
                return true
            }
        } catch let failure as AuditFailure {
            return AuditVerification(branch: branch, head: head, since: since, commitsChecked: checked, incidents: highest?.value ?? 0,
                                     jobs: highestJob?.value ?? 0, failure: failure)
        }
        let failure = try remember(head, replacing: mark, message: "verified \(checked) commits, \(highest?.value ?? 0) incidents")
        return AuditVerification(branch: branch, head: head, since: since, commitsChecked: checked, incidents: highest?.value ?? 0,
                                 jobs: highestJob?.value ?? 0, failure: failure)
    }

    // MARK: - Rewrites

    /// The failure to report when `mark`'s commit is no longer in `head`'s history, naming the first commit of the
    /// new history after the point where the two diverged.
    private func rewrite(of mark: Mark, head: ObjectID) throws -> AuditFailure? {
        guard try !repository.isAncestor(mark.commit, of: head) else { return nil }
        let base = try repository.mergeBase(mark.commit, head)
        let movedBack = base == head
        var first: Commit?
        if !movedBack {
            try repository.walkForward(after: base, upTo: head) { commit in
                first = commit
                return false
            }
        }
        let commit = try first ?? repository.commit(head)
        return AuditFailure(commit, .historyRewritten(branch: branch, verified: mark.commit, verifiedAt: mark.tagger?.time, movedBack: movedBack))
    }

    /// Marks `head` as verified. When another run moved the mark meanwhile, keeps whichever head is further along
    /// the same history; a mark on another history means it was rewritten during this run.
    private func remember(_ head: ObjectID, replacing seen: Mark?, message: String) throws -> AuditFailure? {
        let name = Self.markReference(for: branch)
        let tagger = Signature(name: "runbook audit verify", email: "runbook@localhost", time: clock())
        var expected = seen
        while try !repository.setMark(name, on: head, tagger: tagger, message: message, replacing: expected) {
            expected = try repository.mark(name)
            guard let current = expected else { continue }
            if try repository.isAncestor(head, of: current.commit) { return nil }
            if let failure = try rewrite(of: current, head: head) { return failure }
        }
        return nil
    }

    // MARK: - Incremental runs

    /// The highest incident number at a verified commit, from its record paths: the number sequence to continue.
    private func highestNumber(at commit: ObjectID) throws -> IncidentNumber? {
        try repository.files(at: commit, under: IncidentStore.recordsFolder)
            .compactMap { entry in Self.number(inRecordPath: entry.path) }
            .max()
    }

    /// `INC0000042` from `incidents/000/00/INC0000042/record.md`.
    static func number(inRecordPath path: String) -> IncidentNumber? {
        let components = path.split(separator: "/")
        guard components.count >= 2, components.last == "record.md" else { return nil }
        return IncidentNumber(parsing: components[components.count - 2])
    }
}
