import Foundation
import ITIL
import StoreTestSupport
import Testing

/// The open incidents by priority, as the dashboard's default view reads them from the store's index: the same
/// order and total as a scan of every incident, kept right as incidents change priority, close and reopen.
@Suite(.timeLimit(.minutes(1)))
struct OpenIncidentsTests {
    /// Highest priority first, newest first within one: the order the index answers in.
    static func scan(_ store: IncidentStore, priorities: Set<Int>? = nil, offset: Int, count: Int) -> [IncidentNumber] {
        store.page(where: { $0.state.isOpen && (priorities?.contains($0.priority.rawValue) ?? true) },
                   by: { ($0.priority.rawValue, $1.number) < ($1.priority.rawValue, $0.number) }, offset: offset, count: count)
            .incidents.map(\.number)
    }

    @Test func theIndexAgreesWithAScanAcrossChanges() async throws {
        let audit = try TemporaryAudit()
        let store = try IncidentStore(auditLog: audit.auditLog)
        var numbers: [IncidentNumber] = []
        for index in 0..<12 {
            let request = IncidentRequest(shortDescription: "Problem \(index)", impact: try Impact(index % 3 + 1),
                                          urgency: try Urgency(index % 2 + 1))
            numbers.append(try await store.open(request, actor: "test").incident.number)
        }
        _ = try await store.apply(.transitioned(to: .resolved, code: .solutionProvided, notes: "fixed"), to: numbers[0], actor: "test")
        _ = try await store.apply(.transitioned(to: .canceled), to: numbers[5], actor: "test")
        let targets = SLATargets(response: 3600, resolution: 7200)
        _ = try await store.apply(.impactUrgencyChanged(impact: .high, urgency: .high, slaTargets: targets), to: numbers[11], actor: "test")
        for (offset, count) in [(0, 50), (0, 3), (2, 4), (7, 50), (10, 5)] {
            let indexed = store.openIncidents(offset: offset, count: count)
            #expect(indexed.incidents.map(\.number) == Self.scan(store, offset: offset, count: count), "\(offset), \(count)")
            #expect(indexed.total == 10)
        }
        let first = store.openIncidents(offset: 0, count: 1).incidents.first
        #expect(first?.number == numbers[11], "raised to P1, it heads the list")
        let two = store.openIncidents(priorities: [2, 3], offset: 1, count: 3)
        #expect(two.incidents.map(\.number) == Self.scan(store, priorities: [2, 3], offset: 1, count: 3))
        // A store reading the branch back builds the same index.
        let reread = try audit.otherStore()
        #expect(reread.openIncidents(offset: 0, count: 50).incidents.map(\.number) == Self.scan(store, offset: 0, count: 50))
    }
}
