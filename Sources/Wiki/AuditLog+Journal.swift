import Foundation
import Synchronization

/// Journaled appends: a server acknowledges a batch once it is synced to the intake journal (one `fdatasync`), and
/// commits what piled up there in a commit cycle of its own, many batches in few commits (see ``AuditJournal``).
///
/// While its journal holds entries not yet on the branch, the server holds the branch's writer lock, so no other
/// writer can commit in between: a CLI command's write waits until the server's journal is drained (within a cycle
/// under normal load). A writer that takes the lock and finds a journal left by a process that died commits its
/// entries first (``append(_:)`` and ``holdForJournal()`` both do), so acknowledged entries reach the branch
/// whichever process comes next.
extension AuditLog {
    /// The journal and the lock descriptor a journaling writer holds.
    struct JournalSession {
        let journal: AuditJournal
        /// The writer lock's descriptor while held for journaling.
        var descriptor: Int32?
        /// The branch head once everything handed to a commit cycle so far is on it.
        var committed: ObjectID?
    }

    /// Makes sure this log holds the branch for journaling. When it did not yet, it takes the writer lock (waiting
    /// for another writer to finish), commits whatever a process that died left in the journal, and returns the
    /// head the caller must catch up with.
    ///
    /// - Returns: `acquired` when the lock was taken now; `head`, the branch head then.
    public func holdForJournal() throws -> (acquired: Bool, head: ObjectID?) {
        try journalSession.withLock { session in
            if session.descriptor != nil { return (false, session.committed) }
            let descriptor = try lock.acquire()
            do {
                try recoverJournal()
                let head = try self.head()
                try checkAnchor(head)
                session.descriptor = descriptor
                session.committed = head
                return (true, head)
            } catch {
                lock.release(descriptor)
                throw error
            }
        }
    }

    /// Appends `entries` to the journal and syncs it: when this returns they are durable, and a commit cycle
    /// (``sealJournal()``, ``commitJournaled(_:)``, ``retireJournal(head:)``) puts them on the branch.
    /// ``holdForJournal()`` must have been called.
    ///
    /// - Throws: ``WikiError/noSpace(path:)`` on a full disk: nothing of `entries` remains in the journal.
    public func journal(_ entries: [AuditEntry]) throws {
        try journalSession.withLock { session in
            precondition(session.descriptor != nil, "journal(_:) without holdForJournal()")
            try session.journal.append(entries, base: session.committed)
        }
    }

    /// Starts a commit cycle: every entry journaled so far is the cycle's, later ones go to a new segment.
    public func sealJournal() {
        journalSession.withLock { $0.journal.seal() }
    }

    /// How many events the branch holds after the head the last commit cycle left: 0, unless a cycle failed after it
    /// moved the branch (its sync failed), and then the next cycle must not commit those events again.
    ///
    /// - Returns: that count, and the branch head.
    public func committedSinceLastCycle() throws -> (events: Int, head: ObjectID?) {
        let committed = journalSession.withLock { $0.committed }
        let head = try self.head()
        return (try events(after: committed, upTo: head), head)
    }

    /// Commits a cycle's entries (grouped by the caller) on the branch and syncs them. Runs on the committing
    /// thread, beside appends to the journal.
    public func commitJournaled(_ entries: [AuditEntry]) throws -> [ObjectID] {
        while true {
            let head = try self.head()
            do {
                return try writeDurably(entries, onto: head)
            } catch WikiError.branchMoved {
                // Someone moved the branch without the lock (git by hand): the entries go on top of what they wrote.
                continue
            }
        }
    }

    /// Ends a commit cycle whose commits are on disk up to `head`: deletes its segments, and, when nothing was
    /// journaled since, releases the writer lock for other writers.
    ///
    /// - Returns: whether the lock was released.
    @discardableResult
    public func retireJournal(head: ObjectID?) -> Bool {
        journalSession.withLock { session in
            session.committed = head
            session.journal.retireSealed()
            return releaseIfDrained(&session)
        }
    }

    /// Releases the writer lock if the journal holds nothing uncommitted (a batch that journaled nothing, or failed).
    @discardableResult
    public func releaseJournalIfDrained() -> Bool {
        journalSession.withLock { releaseIfDrained(&$0) }
    }

    private func releaseIfDrained(_ session: inout JournalSession) -> Bool {
        guard let descriptor = session.descriptor, session.journal.uncommitted == 0 else { return false }
        session.journal.retireSealed(everything: true)
        lock.release(descriptor)
        session.descriptor = nil
        return true
    }

    /// Commits what a journal left by a process that died holds and the branch does not, then removes it. The
    /// caller holds the writer lock.
    ///
    /// - Throws: ``WikiError/journalDamaged(path:reason:)`` when a segment cannot be read or the branch holds more
    ///   events after the journal's base than the journal has (someone wrote without the lock).
    func recoverJournal() throws {
        let folder = journalFolder
        guard let contents = try AuditJournal.read(folder: folder) else { return }
        if let damage = contents.unreadable.first { throw WikiError.journalDamaged(path: folder, reason: damage) }
        let head = try self.head()
        let found = try events(after: contents.base, upTo: head)
        let committed = found - contents.skip
        guard (0...contents.entries.count).contains(committed) else {
            throw WikiError.journalDamaged(
                path: folder, reason: "the branch holds \(found) events after \(contents.base?.short ?? "its start"), the journal "
                    + "\(contents.skip) before its \(contents.entries.count) entries")
        }
        let remaining = Array(contents.entries.dropFirst(committed))
        if !remaining.isEmpty {
            try checkAnchor(head)
            _ = try writeDurably(grouping(remaining), onto: head)
        }
        AuditJournal.removeSegments(folder: folder)
    }

    /// How many events the commits after `base` up to `head` carry.
    private func events(after base: ObjectID?, upTo head: ObjectID?) throws -> Int {
        guard let head else {
            if let base { throw WikiError.historyRewritten(branch: branch, missing: base) }
            return 0
        }
        var count = 0
        var found = base == nil
        try repository.walk(head.hex) { commit in
            if commit.id == base {
                found = true
                return false
            }
            count += commit.trailers.first { $0.key == Self.eventsTrailer }.flatMap { Int($0.value) } ?? 1
            return true
        }
        guard found else { throw WikiError.historyRewritten(branch: branch, missing: base!) }
        return count
    }
}

extension AuditLog {
    /// Whether this log holds the branch for journaling now.
    public var holdsJournal: Bool { journalSession.withLock { $0.descriptor != nil } }

    /// Commits what a journal left by a process that died holds (a server does this before it reads the branch).
    public func commitJournalLeftBehind() throws {
        try lock.withLock { try recoverJournal() }
    }
}
