import Foundation
import Wiki

/// Checks that the audit branch is an intact record of incident events, from its root commit to its head.
///
/// Every event must be one event of one incident: the trailers `Incident`, `Event`, `Actor`, `State` and `Priority`,
/// exactly one changed file (that incident's record), a record that parses and agrees with the trailers (the actor
/// included), an author who is the actor, and a subject that starts with the number. A commit carries one event, or
/// several of different incidents (``AuditBatch``), each checked against the changes in its incident's folder. `opened` events take the numbers
/// 1, 2, 3 … in order; other events change an incident opened before. With trusted signers, every commit from the
/// first signed one on must carry a valid signature by one of them. The run stops at the first bad commit.
///
/// The head must contain every anchor's head: the mark of the last clean run (`refs/runbook/verified/<branch>`, see
/// ``Mark``), the data directory's anchors (``AuditAnchor``, outside the repository, so deleting or moving the mark
/// hides nothing) and any others given (remote copies). After a clean run the head is remembered in the mark and in
/// the data directory's anchor. Unless asked for a full run, only the commits after the mark are checked.
public struct AuditVerifier: Sendable {
    /// The repository holding the audit branch.
    public let repository: Repository
    /// The audit branch's short name.
    public let branch: String
    /// The keys trusted to sign; nil: signatures are not checked.
    public let signers: AllowedSigners?
    /// The data directory's anchor of the branch; nil: none (tests of other parts).
    public let anchor: AuditAnchor?
    /// Other anchors to compare with (remote copies).
    public let anchors: [AuditAnchorReading]
    private let clock: @Sendable () -> Date

    /// A verifier for `branch` of `repository`; `clock` dates the mark left after a clean run.
    public init(
        repository: Repository, branch: String = "audit", signers: AllowedSigners? = nil, anchor: AuditAnchor? = nil,
        anchors: [AuditAnchorReading] = [], clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.repository = repository
        self.branch = branch
        self.signers = signers
        self.anchor = anchor
        self.anchors = anchors
        self.clock = clock
    }

    /// The mark that remembers the last verified head of `branch`: `refs/runbook/verified/<branch>`.
    public static func markReference(for branch: String) -> String {
        "refs/runbook/verified/\(branch)"
    }

    /// Verifies the branch up to its current head and, when it passes, remembers that head.
    ///
    /// - Parameters:
    ///   - full: check every commit from the root, not only those after the last verified head (whether every
    ///     anchor's head is still in the history is checked either way).
    ///   - progressInterval: how many commits between two calls of `progress`.
    ///   - progress: called with the number of commits checked so far, for long histories.
    /// - Returns: the report; a bad commit is a result, not an error.
    /// - Throws: only when the repository or an anchor cannot be read, or the mark cannot be written.
    public func verify(full: Bool = false, progressInterval: Int = 5_000, progress: (Int) -> Void = { _ in }) throws -> AuditVerification {
        _ = try repository.branchHead(branch)  // reports a bad branch name as such, not as a bad mark name
        // The mark before the head: a run that marks in between then marks an ancestor of the head read here.
        let mark = try repository.mark(Self.markReference(for: branch))
        let marked = mark.map { [AuditAnchorReading(name: Self.markReference(for: branch), commit: $0.commit, time: $0.tagger?.time)] }
        let readings = (marked ?? []) + (try anchor.map(AuditAnchorReading.readings) ?? []) + anchors
        var report = AuditVerification(branch: branch, head: nil, since: nil, commitsChecked: 0, incidents: 0, failure: nil)
        report.anchors = readings
        let replaced = try repository.replacements()
        guard replaced.isEmpty else { return report.failing(AuditFailure(commit: nil, subject: "", problem: .replacedObjects(replaced))) }
        guard let head = try repository.branchHead(branch) else {
            guard let first = readings.first else { return report }
            return report.failing(AuditFailure(commit: nil, subject: "", problem: .branchDeleted(
                branch: branch, anchors: readings.map(\.name), verified: first.commit, verifiedAt: first.time)))
        }
        report.head = head
        if let failure = try rewrite(of: readings, head: head) { return report.failing(failure) }
        let since = full ? nil : mark?.commit
        report.since = since
        var walk = Walk(highest: try since.map(highestNumber) ?? nil, highestJob: try since.map(highestJob) ?? nil,
                        signingBegan: try since.map { try repository.commitSignature($0) != nil } ?? false)
        report.signaturesChecked = signers != nil
        do {
            try repository.walkForward(after: since, upTo: head) { commit in
                try check(commit, highest: &walk.highest, highestJob: &walk.highestJob)
                try checkSignature(of: commit, walk: &walk)
                report.commitsChecked += 1
                if report.commitsChecked % max(progressInterval, 1) == 0 { progress(report.commitsChecked) }
                return true
            }
        } catch let failure as AuditFailure {
            return report.counting(walk).failing(failure)
        }
        report = report.counting(walk)
        let message = "verified \(report.commitsChecked) commits, \(report.incidents) incidents"
        if let failure = try remember(head, replacing: mark, message: message) { return report.failing(failure) }
        try anchor?.record(head, as: .verified, at: clock())
        return report
    }

    /// What a run carries from one commit to the next.
    struct Walk {
        var highest: IncidentNumber?
        var highestJob: IncidentNumber?
        /// Whether a signed commit was seen: every later one must be signed too.
        var signingBegan: Bool
        var signed = 0
        var unsignedBeforeSigning = 0
    }

    // MARK: - Signatures

    /// With trusted signers: a signed commit's signature must verify and be by one of them at the commit's time;
    /// an unsigned one is allowed only before the first signed one.
    private func checkSignature(of commit: Commit, walk: inout Walk) throws {
        guard let signers else { return }
        guard let (armored, content) = try repository.commitSignature(commit.id) else {
            if walk.signingBegan { throw AuditFailure(commit, .unsigned) }
            walk.unsignedBeforeSigning += 1
            return
        }
        let signature: SSHSignature
        do {
            signature = try SSHSignature(armored: armored)
            try signature.verify(content, namespace: "git")
        } catch let error as SSHKeyError {
            throw AuditFailure(commit, .badSignature(error.description))
        }
        guard signers.allows(signature.key, at: commit.committer.time) else {
            throw AuditFailure(commit, .untrustedSigner(fingerprint: signature.key.fingerprint))
        }
        walk.signingBegan = true
        walk.signed += 1
    }

    // MARK: - Rewrites

    /// The failure to report when any anchor's commit is no longer in `head`'s history, naming every such anchor and
    /// the first commit of the new history after the point where it diverged from the first of them.
    private func rewrite(of readings: [AuditAnchorReading], head: ObjectID) throws -> AuditFailure? {
        let disagreeing = try readings.filter { try !repository.isAncestor($0.commit, of: head) }
        guard let first = disagreeing.first else { return nil }
        // Only copies elsewhere disagree, and every record here agrees: no commit of this branch is the bad one.
        if disagreeing.allSatisfy(\.isRemote) {
            return AuditFailure(commit: nil, subject: "", problem: .copyDiffers(
                branch: branch, anchors: disagreeing.map(\.name), head: first.commit))
        }
        let base = try repository.mergeBase(first.commit, head)
        let movedBack = base == head
        var diverging: Commit?
        if !movedBack {
            try repository.walkForward(after: base, upTo: head) { commit in
                diverging = commit
                return false
            }
        }
        let commit = try diverging ?? repository.commit(head)
        return AuditFailure(commit, .historyRewritten(
            branch: branch, anchors: disagreeing.map(\.name), verified: first.commit, verifiedAt: first.time, movedBack: movedBack))
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
            let reading = AuditAnchorReading(name: name, commit: current.commit, time: current.tagger?.time)
            if let failure = try rewrite(of: [reading], head: head) { return failure }
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
