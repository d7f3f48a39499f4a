import Foundation
import ITIL
import StoreTestSupport
import Testing
import Wiki

/// Writes for one incident that land in the same group-commit batch: each must see the ones queued
/// before it in that batch, never the state from before the batch.
@Suite(.timeLimit(.minutes(1)))
struct SameBatchTests {
    @Test func aSweepQueuedBehindAResolveInOneBatchKeepsTheResolution() async throws {
        let audit = try TemporaryAudit()
        let clock = TestClock()
        let store = try IncidentStore(auditLog: audit.auditLog, clock: { clock.now })
        let p1 = try await store.open(IncidentRequest(shortDescription: "down", impact: .high, urgency: .high), actor: "alice").incident
        let other = try await store.open(IncidentRequest(shortDescription: "other", impact: .low, urgency: .low), actor: "alice").incident
        clock.advance(16 * 60)  // past P1's 15-minute response target: the sweep has a breach to record

        try await audit.holdingWriterLock { release in
            // This write takes the store's turn and waits for the lock; the two below queue behind it
            // and go out together in the next batch, the resolve first.
            async let blocker = store.apply(.noteAdded("looking"), to: other.number, actor: "bob")
            try await Task.sleep(for: .milliseconds(100))
            async let resolve = store.apply(.transitioned(to: .resolved, code: .solutionProvided, notes: "fixed"), to: p1.number, actor: "bob")
            try await Task.sleep(for: .milliseconds(100))
            async let sweep = store.sweep()
            try await Task.sleep(for: .milliseconds(100))
            release()
            _ = try await (blocker, resolve, sweep)
        }

        #expect(try store.incident(p1.number).state == .resolved, "the book")
        let reread = try IncidentStore(auditLog: AuditLog(repository: Repository.open(audit.path)))
        #expect(try reread.incident(p1.number).state == .resolved, "the newest record.md on the audit branch")
        let batch = try audit.git(["log", "--format=%s", "-3", "audit"]).output
        #expect(batch.contains("INC0000001: New -> Resolved"), "\(batch)")
    }
}

extension TemporaryAudit {
    /// Runs `body` while this test holds the audit writer's lock file, as another process would;
    /// `body` lets go of it by calling its argument.
    func holdingWriterLock(_ body: (@escaping @Sendable () -> Void) async throws -> Void) async throws {
        let descriptor = open(repository.gitDirectory + "/runbook-audit.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        try #require(descriptor >= 0)
        try #require(flock(descriptor, LOCK_EX) == 0)
        try await body { _ = close(descriptor) }
    }
}
