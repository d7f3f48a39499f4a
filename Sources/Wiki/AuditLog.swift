import Foundation
import Synchronization

/// The append-only writer of the audit branch: every event one commit, made durable in groups.
///
/// Several processes may append to the same repository at once (a server and CLI commands). They
/// take turns through a lock file of their own (`flock`, released by the kernel when a process dies),
/// and under it each one reads the branch head, lets its caller catch up with commits others made
/// and plan its entries on top, writes them as a chain of commits, syncs them to disk, and only then
/// moves the branch, with compare-and-swap, so that a writer that does not take the lock (someone
/// running git by hand) is detected and never overwritten.
///
/// A server journals instead (see ``journal(_:)``): its writes are durable once in the intake journal, and it holds
/// the lock until its commit cycles have put them on the branch.
///
/// Durability: a call returns only after the commits and the branch update are on disk. A batch of
/// entries is written as one pack and costs the sync of its two files, the pack folder, the branch's
/// reference file and its folder, however many entries it has: that is group commit, with one commit
/// per event still.
public final class AuditLog: Sendable {
    /// The repository written to.
    public let repository: Repository
    /// The branch appended to (an orphan branch: its first commit has no parent).
    public let branch: String
    /// Serialises appenders across processes.
    let lock: WriterLock
    /// The intake journal and the lock a server holds while it has entries there (see ``journal(_:)``).
    let journalSession: Mutex<JournalSession>
    /// The intake journal's folder, `<gitdir>/runbook-<branch>.journal`.
    public let journalFolder: String
    /// Turns the entries of a commit cycle, or of a recovered journal, into commits (several events in one commit
    /// say how many in an ``eventsTrailer`` trailer); by default one commit each.
    public let grouping: @Sendable ([AuditEntry]) -> [AuditEntry]
    /// The trailer of a commit that carries several events: how many.
    public static let eventsTrailer = "Events"
    /// Signs every commit; nil writes unsigned commits.
    public let signer: (any CommitSigner)?
    /// Where the head is recorded outside the repository after every batch; nil records it nowhere.
    public let anchor: AuditAnchor?
    /// The head this log last wrote, so the anchor is read only when someone else moved the branch since.
    private let lastWritten = Mutex<ObjectID?>(nil)

    /// How long to keep retrying while a branch's lock file is held before reporting it.
    static let lockedRetryLimit: Duration = .seconds(10)

    /// The writer for `branch` of `repository`.
    ///
    /// It opens a handle of its own on the repository, whose object writes are buffered in memory
    /// and written as one pack per batch (see ``Repository/bufferObjectsInMemory()``). With a `signer`, every
    /// commit is signed; with an `anchor`, the head is recorded there after every batch.
    public init(repository: Repository, branch: String = "audit", signer: (any CommitSigner)? = nil, anchor: AuditAnchor? = nil,
                grouping: @escaping @Sendable ([AuditEntry]) -> [AuditEntry] = { $0 }) throws {
        _ = try Repository.branchReference(branch)
        self.signer = signer
        self.anchor = anchor
        self.repository = try Repository.open(repository.gitDirectory)
        try self.repository.bufferObjectsInMemory()
        self.branch = branch
        let name = branch.replacingOccurrences(of: "/", with: "-")
        lock = WriterLock(path: repository.gitDirectory + "/runbook-\(name).lock")
        self.grouping = grouping
        journalFolder = repository.gitDirectory + "/runbook-\(name).journal"
        journalSession = Mutex(JournalSession(journal: AuditJournal(folder: journalFolder)))
    }

    /// The branch's current head; nil before the first entry.
    public func head() throws -> ObjectID? {
        try repository.branchHead(branch)
    }

    /// Appends entries as commits on the branch.
    ///
    /// `plan` runs under the writer lock with the branch head found there; it returns the entries
    /// to append on top of that head (having first read the commits it had not seen, see
    /// ``commits(after:upTo:)``) and a value of its own, handed back with the new commits' ids,
    /// oldest first. An empty plan writes nothing. If a writer that ignores the lock moves the branch
    /// in between, `plan` runs again on the new head.
    public func append<Plan>(_ plan: (ObjectID?) throws -> (entries: [AuditEntry], plan: Plan)) throws -> (commits: [ObjectID], plan: Plan) {
        try lock.withLock {
            // A server killed with entries still in its journal: they were acknowledged, so they go first.
            try recoverJournal()
            while true {
                let head = try self.head()
                try checkAnchor(head)
                let (entries, planned) = try plan(head)
                guard !entries.isEmpty else { return ([], planned) }
                do {
                    return (try writeDurably(entries, onto: head), planned)
                } catch WikiError.branchMoved {
                    continue
                }
            }
        }
    }

    /// Writes `entries` as a chain of commits on `head`, syncs them, moves the branch and syncs it, and records the
    /// anchor. The caller holds the lock.
    ///
    /// - Throws: ``WikiError/branchMoved(branch:expected:actual:)`` when a writer that ignores the lock moved the branch
    ///   meanwhile (nothing is written then), or the failure of a write.
    func writeDurably(_ entries: [AuditEntry], onto head: ObjectID?) throws -> [ObjectID] {
        let commits: [ObjectID]
        do {
            commits = try writeChain(entries, onto: head)
            try repository.writeBufferedObjects()
        } catch {
            try? repository.discardBufferedObjects()
            throw error
        }
        try moveBranchRetryingLocks(to: commits.last!, expected: head)
        try repository.syncBranch(branch)
        // The batch is durable whatever happens to the anchor: one left behind still names a commit of this
        // history, which is all a later check needs, so a failure to write it does not fail the batch.
        try? anchor?.record(commits.last!, as: .written)
        lastWritten.withLock { $0 = commits.last }
        return commits
    }

    /// Refuses to write on a branch whose history no longer holds the head this data directory's writers last
    /// recorded: a writer that went on would sign events on top of a rewritten history and move the anchor onto
    /// it, hiding the rewrite it should report.
    ///
    /// - Throws: ``WikiError/anchorNotInHistory(branch:missing:anchor:)``.
    func checkAnchor(_ head: ObjectID?) throws {
        guard let anchor, head == nil || head != lastWritten.withLock({ $0 }) else { return }
        guard let recorded = try anchor.head(.written)?.commit, recorded != head else { return }
        guard let head, try repository.isAncestor(recorded, of: head) else {
            throw WikiError.anchorNotInHistory(branch: branch, missing: recorded, anchor: anchor.path(.written))
        }
    }

    /// The commits after `known` up to `head`, oldest first: what other writers appended.
    ///
    /// - Throws: ``WikiError/historyRewritten(branch:missing:)`` when `known` is not in `head`'s
    ///   history: someone rewrote the audit branch.
    public func commits(after known: ObjectID?, upTo head: ObjectID) throws -> [Commit] {
        var newer: [Commit] = []
        var found = known == nil
        try repository.walk(head.hex) { commit in
            if commit.id == known {
                found = true
                return false
            }
            newer.append(commit)
            return true
        }
        guard found else { throw WikiError.historyRewritten(branch: branch, missing: known!) }
        return newer.reversed()
    }

    /// Writes each entry as a commit whose parent is the one before.
    private func writeChain(_ entries: [AuditEntry], onto head: ObjectID?) throws -> [ObjectID] {
        var parent = head
        return try entries.map { entry in
            let commit = try repository.writeCommit(
                changes: entry.changes, parent: parent, author: entry.author, message: entry.message, trailers: entry.trailers,
                signer: signer)
            parent = commit
            return commit
        }
    }

    /// Moves the branch, waiting out another process's lock file; a lock file that outlives any
    /// real update is left by a killed process and removed, since every cooperating writer holds
    /// our lock while it has one.
    private func moveBranchRetryingLocks(to commit: ObjectID, expected: ObjectID?) throws {
        let clock = ContinuousClock()
        let deadline = clock.now + Self.lockedRetryLimit
        while true {
            do {
                return try repository.moveBranch(branch, to: commit, expected: expected)
            } catch let error as GitError where error.code == GitCode.locked && clock.now < deadline {
                removeStaleReferenceLock()
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }

    /// Removes `refs/heads/<branch>.lock` if it is older than any update takes.
    private func removeStaleReferenceLock() {
        let path = repository.gitDirectory + "/refs/heads/\(branch).lock"
        guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
              Date().timeIntervalSince(modified) > 1 else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}
