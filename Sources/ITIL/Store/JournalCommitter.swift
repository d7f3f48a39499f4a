import Foundation
import Wiki

/// Puts a journaling store's events on the audit branch in commit cycles, on a thread of its own.
///
/// A cycle takes every event journaled so far, groups them into few commits (``AuditBatch``), writes and syncs
/// them, and tells the store, which publishes them on its feed and deletes the journal's segments. The next cycle
/// starts no sooner than ``interval`` after this one started, so the events of a storm go out a few times a second in
/// large commits, while an idle server's single event is committed at once. Meanwhile the store goes on
/// journaling: a commit never holds up an acknowledgement.
actor JournalCommitter {
    /// The shortest time from one cycle's start to the next: at most this many commit cycles a second.
    static let interval: Duration = .milliseconds(100)
    /// How long to wait after a failed cycle (a full disk) before trying again.
    static let retryAfter: Duration = .seconds(1)

    /// Its own thread: a cycle blocks on the disk (see ``DedicatedThreadExecutor``).
    private nonisolated let executor = DedicatedThreadExecutor(name: "audit-committer")

    nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// Runs cycles until `store` has nothing journaled left.
    func run(for store: IncidentStore) async {
        let clock = ContinuousClock()
        while let entries = await store.takeJournaled() {
            let started = clock.now
            do {
                let landed = try store.auditLog.committedSinceLastCycle()
                guard landed.events <= entries.count else {
                    throw WikiError.journalDamaged(
                        path: store.auditLog.journalFolder,
                        reason: "the branch holds \(landed.events) events the last commit cycle did not write, the journal \(entries.count)")
                }
                let rest = Array(entries.dropFirst(landed.events))
                let (commits, placements) = AuditBatch.group(rest)
                let ids = rest.isEmpty ? [] : try store.auditLog.commitJournaled(commits)
                await store.committed(entries.count, landedEarlier: landed.events > 0 ? landed.head : nil, commits: ids, placements: placements)
            } catch {
                await store.commitFailed()
                try? await Task.sleep(for: Self.retryAfter)
                continue
            }
            try? await Task.sleep(until: started + Self.interval, clock: clock)
        }
    }
}
