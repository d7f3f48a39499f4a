import Foundation
import StoreTestSupport
import Testing
import Wiki
@testable import ITIL

/// The book's queue of deadlines: the soonest is always the live one, and what is due is found without a scan.
@Suite struct DeadlineQueueTests {
    @Test func theSoonestIsAlwaysALiveDeadlineHoweverOftenOneMoves() {
        var queue = DeadlineQueue()
        let start = Date(timeIntervalSince1970: 1_000_000)
        var expected: [IncidentNumber: Date] = [:]
        var generator = SystemRandomNumberGenerator()
        for step in 0..<5_000 {
            let number = IncidentNumber(Int.random(in: 1...300, using: &generator))!
            // Deadlines come, move, and go (a resolved incident has none) in any order.
            let date: Date? = step % 7 == 0 ? nil : start + Double(Int.random(in: 0...10_000, using: &generator))
            queue.set(number, date)
            expected[number] = date
            #expect(queue.earliest == expected.values.min(), "after step \(step)")
        }
        let now = start + 2_500
        #expect(queue.due(by: now) == Set(expected.filter { $0.value <= now }.keys))
    }

    @Test func theSweepFindsABreachDueAmongManyIncidentsAndOnlyThatOne() async throws {
        let audit = try TemporaryAudit()
        let clock = TestClock()
        let store = try IncidentStore(auditLog: audit.auditLog, clock: { clock.now })
        for index in 1...50 {
            _ = try await store.open(IncidentRequest(shortDescription: "low \(index)", impact: .low, urgency: .low), actor: "alice")
        }
        let p1 = try await store.open(IncidentRequest(shortDescription: "down", impact: .high, urgency: .high), actor: "alice").incident
        #expect(store.nextDeadline == p1.sla.due(.response), "P1's 15-minute response target is the soonest")
        clock.advance(16 * 60)
        let changed = try await store.sweep()
        #expect(changed.map(\.number) == [p1.number])
        #expect(try store.incident(p1.number).sla.hasBreached(.response))
        #expect(store.nextDeadline.map { $0 > p1.sla.due(.response)! } == true, "the breached target is no longer next")
    }
}
