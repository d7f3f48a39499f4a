import Escalation
import Notify
import OnCall
import Foundation
import ITIL
import StoreTestSupport
import Testing
import Wiki

/// The engine on an injected clock: each test moves time by hand and calls `tick()` where the server's loop would
/// wake up.
@Suite struct EscalationEngineTests {
    let audit: TemporaryAudit
    let clock = TestClock()
    let store: IncidentStore
    let courier: RecordingCourier

    init() throws {
        audit = try TemporaryAudit()
        let clock = clock
        store = try IncidentStore(auditLog: audit.auditLog, clock: { clock.now })
        courier = RecordingCourier(clock: clock)
    }

    func engine(_ roster: Roster = twoLevels(), on store: IncidentStore? = nil, maximumDeliveries: Int = 64) throws -> EscalationEngine {
        let clock = clock
        let engine = EscalationEngine(store: store ?? self.store, roster: roster, courier: courier, digestDelay: 60,
                                      maximumDeliveries: maximumDeliveries, clock: { clock.now })
        return engine
    }

    /// An engine that has read the (empty) audit branch and listens to the store.
    func started(_ roster: Roster = twoLevels(), maximumDeliveries: Int = 64) async throws -> EscalationEngine {
        let engine = try engine(roster, maximumDeliveries: maximumDeliveries)
        try await engine.load()
        return engine
    }

    func step(_ engine: EscalationEngine, by seconds: TimeInterval = 0) async {
        clock.advance(seconds)
        await engine.tick()
        await engine.settle()
    }

    func events(_ number: IncidentNumber) throws -> [String] {
        try audit.repository.history("audit").reversed()
            .filter { $0.trailers.value(of: .incident) == number.description }
            .compactMap { $0.trailers.value(of: .event) }
    }

    @Test func anOpenedIncidentPagesLevelOneAfterRecordingTheKeys() async throws {
        let engine = try await started()
        let (incident, _) = try await store.open(.alert("a"), actor: "alertmanager")
        await step(engine)
        #expect(courier.keys == ["INC0000001/c1/l1/r0/alice/hook"])
        // The plan is durable before anything is sent; the outcome follows.
        #expect(try events(incident.number) == ["opened", "paged", "notified"])
        let state = try #require(await engine.state(of: incident.number))
        #expect(state.level == 1)
        #expect(state.notifications.map(\.outcome?.detail) == ["HTTP 200", nil])
        let head = try #require(try audit.auditLog.head())
        let file = try audit.repository.readFile(EscalationFolder.state(of: incident.number), at: head)
        #expect(try EscalationState.decode(file) == state)
    }

    @Test func theNextLevelPagesOnTimeAndADelayedMethodWhenItIsDue() async throws {
        let engine = try await started()
        _ = try await store.open(.alert("a"), actor: "alertmanager")
        await step(engine)
        await step(engine, by: 299)
        #expect(courier.keys.count == 1)
        await step(engine, by: 1)
        #expect(courier.keys.last == "INC0000001/c1/l1/r0/alice/mail")
        await step(engine, by: 299)
        #expect(courier.keys.count == 2)
        await step(engine, by: 1)
        #expect(courier.keys.last == "INC0000001/c1/l2/r0/bob/hook")
        #expect(await engine.nextWake() == clock.now + 600)
    }

    @Test func acknowledgingStopsEscalationAndPendingMethods() async throws {
        let engine = try await started()
        let (incident, _) = try await store.open(.alert("a"), actor: "alertmanager")
        await step(engine)
        _ = try await store.apply(.acknowledged, to: incident.number, actor: "alice")
        await step(engine, by: 3600)
        #expect(courier.keys == ["INC0000001/c1/l1/r0/alice/hook"])
        #expect(await engine.nextWake() == nil)
    }

    @Test func resolvingTellsWhoWasPagedAndEndsTheEscalation() async throws {
        let engine = try await started()
        let (incident, _) = try await store.open(.alert("a"), actor: "alertmanager")
        await step(engine)
        await step(engine, by: 600)
        _ = try await store.apply(.transitioned(to: .resolved, code: .solutionProvided, notes: "fixed"), to: incident.number,
                                  actor: "bob")
        await step(engine, by: 1)
        let told = courier.deliveries.filter { $0.kind == .resolved }.map(\.key)
        #expect(Set(told) == ["INC0000001/c1/resolved/alice/hook", "INC0000001/c1/resolved/bob/hook"])
        await step(engine, by: 3600)
        #expect(courier.deliveries.count == 5)  // hook and mail to alice, hook to bob, then the two notices
    }

    @Test func repeatsThePolicyThenSaysItIsExhausted() async throws {
        let engine = try await started(twoLevels(repeats: 1))
        let (incident, _) = try await store.open(.alert("a"), actor: "alertmanager")
        await step(engine)
        for _ in 0..<4 { await step(engine, by: 600) }
        let pages = courier.deliveries.filter { $0.key.hasSuffix("/hook") }.map(\.key)
        #expect(pages == ["INC0000001/c1/l1/r0/alice/hook", "INC0000001/c1/l2/r0/bob/hook",
                          "INC0000001/c1/l1/r1/alice/hook", "INC0000001/c1/l2/r1/bob/hook"])
        #expect(try events(incident.number).last == "escalation-exhausted")
        #expect(await engine.nextWake() == nil)
    }

    @Test func aRestartedEngineResumesTheTimerAndPagesEachLevelOnce() async throws {
        let first = try engine()
        try await first.load()
        let (incident, _) = try await store.open(.alert("a"), actor: "alertmanager")
        await step(first)
        // A new process: its own store and engine, reading everything back from the audit branch.
        let clock = clock
        let store = try audit.otherStore(clock: { clock.now })
        let second = try engine(on: store)
        try await second.load()
        await step(second)
        #expect(courier.keys == ["INC0000001/c1/l1/r0/alice/hook"])
        await step(second, by: 600)
        #expect(courier.keys.filter { $0.hasSuffix("bob/hook") } == ["INC0000001/c1/l2/r0/bob/hook"])
        #expect(courier.keys.count == Set(courier.keys).count)
        #expect(try events(incident.number).filter { $0 == "paged" }.count == 2)
    }

    @Test func aSnoozeThatEndsStartsEscalationOverUnderNewKeys() async throws {
        let engine = try await started()
        let (incident, _) = try await store.open(.alert("a"), actor: "alertmanager")
        await step(engine)
        _ = try await store.apply(.snoozed(until: clock.now + 1800), to: incident.number, actor: "alice")
        await step(engine, by: 1799)
        #expect(courier.keys.count == 1)
        await step(engine, by: 1)
        #expect(courier.keys.last == "INC0000001/c2/l1/r0/alice/hook")
        let record = try store.incident(incident.number)
        #expect(record.acknowledgedBy == nil)
        #expect(record.workNotes.contains { $0.text.contains("the snooze ended") })
    }

    @Test func anAcknowledgementTimesOutWhileTheIncidentStaysOpen() async throws {
        let engine = try await started(twoLevels(acknowledgementTimeout: 3600))
        let (incident, _) = try await store.open(.alert("a"), actor: "alertmanager")
        await step(engine)
        _ = try await store.apply(.acknowledged, to: incident.number, actor: "alice")
        await step(engine, by: 3599)
        #expect(courier.keys.count == 1)
        await step(engine, by: 1)
        #expect(courier.keys.last == "INC0000001/c2/l1/r0/alice/hook")
    }

    @Test func unacknowledgingStartsOver() async throws {
        let engine = try await started()
        let (incident, _) = try await store.open(.alert("a"), actor: "alertmanager")
        await step(engine)
        _ = try await store.apply(.acknowledged, to: incident.number, actor: "alice")
        await step(engine, by: 60)
        _ = try await store.apply(.unacknowledged, to: incident.number, actor: "alice")
        await step(engine, by: 1)
        #expect(courier.keys.last == "INC0000001/c2/l1/r0/alice/hook")
    }

    @Test func aStormBecomesOneDigest() async throws {
        let engine = try await started(twoLevels(storm: (2, 600)))
        for name in ["a", "b", "c", "d", "e"] {
            _ = try await store.open(.alert(name), actor: "alertmanager")
            await step(engine, by: 1)
        }
        #expect(courier.deliveries.filter { $0.digestOf == 0 }.count == 2)
        await step(engine, by: 60)
        let digests = courier.deliveries.filter { $0.digestOf > 0 }
        #expect(digests.map(\.digestOf) == [3])
        #expect(try events(IncidentNumber(5)!).suffix(2) == ["paged", "notified"])
    }

    @Test func aFailedDeliveryIsRecordedAndTheNextLevelStillPagesOnTime() async throws {
        courier.fail(method: "hook")
        let engine = try await started()
        let (incident, _) = try await store.open(.alert("a"), actor: "alertmanager")
        await step(engine)
        let state = try #require(await engine.state(of: incident.number))
        #expect(state.notifications.first?.outcome?.delivered == false)
        #expect(try audit.repository.history("audit").first?.summary.contains("notification failed") == true)
        await step(engine, by: 600)
        #expect(courier.keys.contains("INC0000001/c1/l2/r0/bob/hook"))
    }

    @Test func aSilencedIncidentPagesNobody() async throws {
        let engine = try await started()
        _ = try await store.open(.alert("a"), actor: "alertmanager", then: [.silenced(id: "db-migration", comment: "planned")])
        await step(engine, by: 1)
        #expect(courier.keys.isEmpty)
    }

    @Test func theAuditStillVerifies() async throws {
        let engine = try await started(twoLevels(repeats: 1))
        let (incident, _) = try await store.open(.alert("a"), actor: "alertmanager")
        await step(engine)
        await step(engine, by: 600)
        _ = try await store.apply(.snoozed(until: clock.now + 60), to: incident.number, actor: "alice")
        await step(engine, by: 61)
        let verification = try AuditVerifier(repository: audit.repository).verify()
        #expect(verification.failure == nil)
        #expect(verification.commitsChecked > 8)
    }
}

/// What the engine does that depends on the incident's history: a reopen starts over.
extension EscalationEngineTests {
    @Test func aReopenedIncidentPagesAgainInANewCycle() async throws {
        let engine = try await started()
        let (incident, _) = try await store.open(.alert("a"), actor: "alertmanager")
        await engine.tick()
        await engine.settle()
        _ = try await store.apply(.transitioned(to: .resolved, code: .solutionProvided, notes: "fixed"), to: incident.number, actor: "alice")
        clock.advance(60)
        await engine.tick()
        await engine.settle()
        _ = try await store.apply(.reopened(reason: "back again"), to: incident.number, actor: "alice")
        clock.advance(60)
        await engine.tick()
        await engine.settle()
        #expect(courier.keys == ["INC0000001/c1/l1/r0/alice/hook", "INC0000001/c1/resolved/alice/hook", "INC0000001/c2/l1/r0/alice/hook"])
    }
}

/// The roster the wiki's files make: a hand-off continues with the other policy's levels.
@Suite struct RosterTests {
    @Test func aHandOffSplicesInTheOtherPolicysLevels() throws {
        let files: [(path: String, text: String)] = [
            ("oncall/people.yaml", """
                people:
                  - { id: alice, name: Alice, contacts: [ { name: hook, type: webhook, secret: a } ], notify: [ { contact: hook } ] }
                  - { id: bob, name: Bob, contacts: [ { name: mail, type: email, address: b@example.com } ], notify: [ { contact: mail, after: 5m } ] }
                  - { id: carol, name: Carol, contacts: [ { name: hook, type: webhook, secret: c } ], notify: [ { contact: hook } ] }
                """),
            ("oncall/policies/default.yaml", """
                repeat: 1
                page_after: 2m
                levels:
                  - notify: [ { person: alice } ]
                    wait: 10m
                  - notify: [ { person: bob }, { policy: management } ]
                    wait: 15m
                """),
            ("oncall/policies/management.yaml", """
                levels:
                  - notify: [ { person: carol } ]
                    wait: 20m
                  - notify: [ { person: alice } ]
                    wait: 30m
                """),
            ("config/oncall.yaml", "default_policy:\n  \"*\": default\n"),
        ]
        let (config, diagnostics) = OnCallConfig.load(files: files, now: Date())
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
        let roster = Roster(config)
        let policy = try #require(roster.policyNamed("default"))
        #expect(policy.waits == [600, 1200, 1800])
        #expect(policy.repeats == 1)
        #expect(policy.pageAfter == 120)
        #expect(roster.pages("default", 2, Date()) == [
            Roster.Page(recipient: "bob", method: "mail", after: 300), Roster.Page(recipient: "carol", method: "hook"),
        ])
        #expect(roster.pages("default", 3, Date()) == [Roster.Page(recipient: "alice", method: "hook")])
    }
}

/// What a page says about an incident: its labels come from outside and are capped.
@Suite struct PageMessageTests {
    @Test func aPageCarriesAtMostThirtyLabelsOfTwoHundredCharacters() async throws {
        let audit = try TemporaryAudit()
        let store = try IncidentStore(auditLog: audit.auditLog)
        var labels: [String: String] = [:]
        for index in 0..<50 { labels["label\(index)"] = String(repeating: "x", count: 3000) }
        let (incident, _) = try await store.open(IncidentRequest(shortDescription: "Many labels", labels: labels), actor: "test")
        let links = LinkMaker(baseURL: URL(string: "https://oncall.example.com")!, key: .generate())
        let message = links.message(kind: .page, about: incident, for: "alice", key: "k", recipient: "alice")
        #expect(message.labels.count == 30)
        #expect(message.labels.values.allSatisfy { $0.count == 200 })
        #expect(message.acknowledgeURL?.absoluteString.hasPrefix("https://oncall.example.com/links/INC0000001/") == true)
    }
}

/// A storm of pages goes out a few at a time, and every one of them goes out.
extension EscalationEngineTests {
    @Test func pagesBeyondTheLimitWaitTheirTurnAndAllGoOut() async throws {
        let engine = try await started(maximumDeliveries: 1)
        for name in ["a", "b", "c", "d", "e", "f"] { _ = try await store.open(.alert(name), actor: "alertmanager") }
        await engine.tick()
        await engine.settle()
        #expect(Set(courier.keys).count == 6)
        #expect(courier.keys.count == 6)
        for number in 1...6 {
            #expect(await engine.state(of: IncidentNumber(number)!)?.notifications.first?.outcome?.delivered == true)
        }
    }
}

/// `page_after`: automation gets its time first; nobody is paged for what it fixes.
extension EscalationEngineTests {
    static func pageAfterRoster() -> Roster {
        var roster = twoLevels()
        let policy = Roster.Policy(name: "default", waits: [600, 600], repeats: 0, pageAfter: 300)
        roster.policy = { _ in policy }
        roster.policyNamed = { $0 == "default" ? policy : nil }
        return roster
    }

    @Test func anIncidentResolvedWithinPageAfterPagesNobody() async throws {
        let engine = try await started(Self.pageAfterRoster())
        let (incident, _) = try await store.open(.alert("a"), actor: "alertmanager")
        await engine.tick()
        #expect(await engine.nextWake() == incident.openedAt + 300)
        clock.advance(120)
        _ = try await store.apply(.transitioned(to: .resolved, code: .solutionProvided, notes: "the runbook fixed it"),
                                  to: incident.number, actor: Automation.actor)
        await engine.tick()
        clock.advance(3600)
        await engine.tick()
        await engine.settle()
        #expect(courier.keys.isEmpty)
        let subjects = try audit.repository.history("audit").map(\.summary)
        #expect(subjects.contains { $0.contains("escalation scheduled: level 1 pages at") })
        #expect(try AuditVerifier(repository: audit.repository).verify().failure == nil)
    }

    @Test func anIncidentStillOpenAfterPageAfterPagesLevelOne() async throws {
        let engine = try await started(Self.pageAfterRoster())
        _ = try await store.open(.alert("a"), actor: "alertmanager")
        await engine.tick()
        clock.advance(299)
        await engine.tick()
        #expect(courier.keys.isEmpty)
        clock.advance(1)
        await engine.tick()
        await engine.settle()
        #expect(courier.keys == ["INC0000001/c1/l1/r0/alice/hook"])
        #expect(try audit.repository.history("audit").contains { $0.summary.contains("(not resolved within 5m)") })
    }
}
