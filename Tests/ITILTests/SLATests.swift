import Foundation
import Testing
@testable import ITIL

@Suite("SLA")
struct SLATests {
    @Test("due times of each priority", arguments: [
        (Priority.critical, minutes(15) as TimeInterval?, hours(4) as TimeInterval?),
        (.high, hours(1), hours(8)), (.moderate, hours(4), days(3)), (.low, days(1), days(5)), (.planning, nil, nil),
    ])
    func dueTimes(priority: Priority, response: TimeInterval?, resolution: TimeInterval?) {
        let due = SLAPolicy.standard.dueDates(for: priority, openedAt: openedAt)
        #expect(due.response == response.map(at))
        #expect(due.resolution == resolution.map(at))
    }

    @Test func anIncidentOpensWithTheDueTimesOfItsPriority() throws {
        let incident = try openIncident(impact: .high, urgency: .high)
        #expect(incident.priority == .critical)
        #expect(incident.sla.responseDue == at(minutes(15)))
        #expect(incident.sla.resolutionDue == at(hours(4)))
    }

    @Test func breachesAreFoundOnceAndRecordedInTheTimeline() throws {
        var incident = try openIncident(impact: .high, urgency: .high)
        let policy = SLAPolicy.standard
        #expect(policy.breaches(of: incident, at: at(minutes(14))).isEmpty)
        let late = at(minutes(16))
        #expect(policy.breaches(of: incident, at: late) == [SLABreach(kind: .response, due: at(minutes(15)), recordedAt: late)])
        try incident.apply(.slaBreached(.response), at: late, actor: "system")
        #expect(policy.breaches(of: incident, at: late).isEmpty, "a recorded breach is not found again")
        #expect(throws: IncidentError.self) { try incident.apply(.slaBreached(.response), at: late, actor: "system") }
        #expect(incident.sla.responseMet == false)
        #expect(incident.madeSLA == false)
        #expect(incident.workNotes.last?.kind == .sla)
        #expect(incident.workNotes.last?.text == "response SLA breached: was due at 2026-05-01T12:15:00.123Z")

        try incident.apply(.transitioned(to: .inProgress), at: at(minutes(20)), actor: "alice")
        #expect(incident.sla.respondedAt == at(minutes(20)))
        #expect(incident.sla.responseMet == false, "a late response stays missed")
        let afterResolutionDue = at(hours(5))
        #expect(policy.breaches(of: incident, at: afterResolutionDue).map(\.kind) == [.resolution])
        try incident.apply(.slaBreached(.resolution), at: afterResolutionDue, actor: "system")
        #expect(incident.sla.breaches.map(\.kind) == [.response, .resolution])
    }

    /// On Hold is time the resolvers cannot use: the resolution clock stops while the incident waits,
    /// and its due time moves by the pause when work resumes.
    @Test func onHoldPausesTheResolutionClock() throws {
        var incident = try openIncident(impact: .high, urgency: .high)  // resolution due after 4 h
        let policy = SLAPolicy.standard
        try incident.apply(.transitioned(to: .inProgress), at: at(minutes(5)), actor: "alice")
        try incident.apply(.transitioned(to: .onHold, reason: .awaitingVendor), at: at(hours(1)), actor: "alice")
        #expect(incident.sla.resolutionPausedAt == at(hours(1)))
        #expect(policy.breaches(of: incident, at: at(hours(5))).isEmpty, "past the original due time, but paused")
        #expect(throws: IncidentError.self) { try incident.apply(.slaBreached(.resolution), at: at(hours(5)), actor: "system") }
        #expect(IncidentPage(incident: incident).markdown.contains("paused since 2026-05-01T13:00:00.123Z (On Hold)"))
        try incident.apply(.transitioned(to: .inProgress), at: at(hours(3)), actor: "alice")  // a 2 h pause
        #expect(incident.sla.resolutionDue == at(hours(6)))
        #expect(incident.sla.resolutionPausedAt == nil)
        #expect(incident.sla.resolutionPausedFor == hours(2))
        #expect(policy.breaches(of: incident, at: at(hours(5.9))).isEmpty)
        #expect(policy.breaches(of: incident, at: at(hours(6.1))).map(\.kind) == [.resolution])
        // A change of priority keeps the pause: due = opened + the new target + 2 h.
        try incident.apply(.impactUrgencyChanged(impact: .high, urgency: .medium, slaTargets: policy.targets(for: .high)), at: at(hours(4)),
                           actor: "alice")
        #expect(incident.sla.resolutionDue == at(hours(8 + 2)))
        // Resolved straight from On Hold: the pause up to then counts too.
        try incident.apply(.transitioned(to: .onHold, reason: .awaitingCaller), at: at(hours(9)), actor: "alice")
        try incident.apply(.transitioned(to: .resolved, code: .solutionProvided, notes: "vendor fixed it"), at: at(hours(12)), actor: "alice")
        #expect(incident.sla.resolutionDue == at(hours(13)))
        #expect(incident.sla.resolutionMet == true)
    }

    @Test func aTargetMissedBeforeTheHoldStaysMissed() throws {
        var incident = try openIncident(impact: .high, urgency: .high)
        try incident.apply(.transitioned(to: .inProgress), at: at(minutes(5)), actor: "alice")
        try incident.apply(.transitioned(to: .onHold, reason: .awaitingVendor), at: at(hours(5)), actor: "alice")
        #expect(SLAPolicy.standard.breaches(of: incident, at: at(hours(5))).map(\.kind) == [.resolution], "it was due before the hold")
        try incident.apply(.slaBreached(.resolution), at: at(hours(5)), actor: "system")
        try incident.apply(.transitioned(to: .inProgress), at: at(hours(7)), actor: "alice")
        #expect(incident.sla.resolutionDue == at(hours(4)), "a missed target keeps its due time")
    }

    @Test func aBreachBeforeItsDueTimeIsRefused() throws {
        var incident = try openIncident(impact: .high, urgency: .high)
        #expect(throws: IncidentError.self) {
            try incident.apply(.slaBreached(.response), at: at(minutes(1)), actor: "system")
        }
        var planning = try openIncident(impact: .low, urgency: .low)
        #expect(SLAPolicy.standard.breaches(of: planning, at: at(days(30))).isEmpty, "P5 has no targets")
        #expect(throws: IncidentError.breachNotApplicable(planning.number, .resolution, reason: "there is no resolution target")) {
            try planning.apply(.slaBreached(.resolution), at: at(days(30)), actor: "system")
        }
    }

    @Test func respondingAndResolvingInTimeMeetsBothTargets() throws {
        var incident = try openIncident(impact: .high, urgency: .medium)
        try incident.apply(.transitioned(to: .inProgress), at: at(minutes(30)), actor: "alice")
        #expect(incident.sla.responseMet == true)
        try incident.apply(move(to: .resolved), at: at(hours(2)), actor: "alice")
        #expect(incident.sla.resolutionMet == true)
        #expect(incident.madeSLA)
        #expect(SLAPolicy.standard.breaches(of: incident, at: at(days(10))).isEmpty, "resolved incidents do not breach")
        try incident.apply(.reopened(), at: at(hours(3)), actor: "alice")
        #expect(incident.sla.resolutionMet == nil, "the resolution clock runs again after a reopen")
    }

    /// Response is a person's act. A run moving the incident to In Progress records the work it starts, but the
    /// response clock runs on until someone acknowledges or moves the incident themselves.
    @Test func automationDoesNotMeetTheResponseTarget() throws {
        var incident = try openIncident(impact: .high, urgency: .high)  // response due after 15 min
        try incident.apply(.transitioned(to: .inProgress), at: at(minutes(1)), actor: Automation.actor)
        #expect(incident.state == .inProgress)
        #expect(incident.sla.respondedAt == nil)
        #expect(SLAPolicy.standard.breaches(of: incident, at: at(minutes(16))).map(\.kind) == [.response])
        #expect(throws: IncidentError.self) { try incident.apply(.acknowledged, at: at(minutes(2)), actor: Automation.actor) }
        try incident.apply(.acknowledged, at: at(minutes(10)), actor: "alice")
        #expect(incident.sla.respondedAt == at(minutes(10)))
        #expect(incident.sla.responseMet == true)
        #expect(incident.state == .inProgress, "already in progress: acknowledging keeps the state")
        #expect(incident.workNotes.last?.text == "acknowledged by alice, assigned to alice")
        #expect(incident.assignedTo == "alice" && incident.sla.respondedBy == "alice")
    }

    @Test func acknowledgingANewIncidentMovesItToInProgress() throws {
        var incident = try openIncident(impact: .high, urgency: .high)
        try incident.apply(.acknowledged, at: at(minutes(20)), actor: "bob")
        #expect(incident.state == .inProgress)
        #expect(incident.sla.respondedAt == at(minutes(20)))
        #expect(incident.sla.responseMet == false, "acknowledged after the 15-minute target")
    }

    @Test func aPersonsLaterTransitionIsTheResponse() throws {
        var incident = try openIncident(impact: .high, urgency: .high)
        try incident.apply(.transitioned(to: .inProgress), at: at(minutes(1)), actor: Automation.actor)
        try incident.apply(.transitioned(to: .onHold, reason: .awaitingVendor), at: at(minutes(5)), actor: "carol")
        #expect(incident.sla.respondedAt == at(minutes(5)))
        #expect(incident.sla.responseMet == true)
    }

    /// A resolution nobody responded to leaves nothing to respond to: the response target ends, met when the
    /// resolution came in time, with no responder recorded.
    @Test func aResolutionEndsTheResponseClockWithoutAResponder() throws {
        var quick = try openIncident(impact: .high, urgency: .high)
        try quick.apply(.transitioned(to: .inProgress), at: at(minutes(1)), actor: Automation.actor)
        try quick.apply(.transitioned(to: .resolved, code: .solutionProvided, notes: "ran"), at: at(minutes(3)), actor: Automation.actor)
        #expect(quick.sla.respondedAt == nil)
        #expect(quick.sla.responseMet == true)
        var slow = try openIncident(impact: .high, urgency: .high)
        try slow.apply(.transitioned(to: .inProgress), at: at(minutes(1)), actor: Automation.actor)
        try slow.apply(.slaBreached(.response), at: at(minutes(16)), actor: Automation.actor)
        try slow.apply(.transitioned(to: .resolved, code: .solutionProvided, notes: "ran"), at: at(minutes(30)), actor: Automation.actor)
        #expect(slow.sla.responseMet == false)
    }

    @Test func changingImpactOrUrgencyMovesTheDueTimes() throws {
        var incident = try openIncident()
        let targets = SLAPolicy.standard.targets(for: .critical)
        try incident.apply(.impactUrgencyChanged(impact: .high, urgency: .high, slaTargets: targets), at: at(minutes(5)), actor: "alice")
        #expect(incident.priority == .critical)
        #expect(incident.sla.responseDue == at(minutes(15)))
        #expect(incident.workNotes.last?.text == "impact 2 → 1, urgency 2 → 1: priority 3 Moderate → 1 Critical")
    }

    @Test func autoCloseIsDueAfterTheConfiguredTime() throws {
        let resolved = try incident(in: .resolved)
        #expect(SLAPolicy.standard.autoCloseDue(for: resolved) == at(minutes(1) + hours(72)))
        #expect(SLAPolicy.standard.autoCloseDue(for: try incident(in: .inProgress)) == nil)
        #expect(SLAPolicy(targets: [:], autoCloseAfter: nil).autoCloseDue(for: resolved) == nil)
    }
}

@Suite("SLA config file")
struct SLAConfigTests {
    @Test func readsTheDocumentedShape() throws {
        let policy = try SLAPolicy(yaml: """
            priorities:
              1: { response: 10m, resolution: 2h }
              5: { response: none, resolution: 30d }
            auto_close_after: never
            """)
        #expect(policy.targets(for: .critical) == SLATargets(response: minutes(10), resolution: hours(2)))
        #expect(policy.targets(for: .planning) == SLATargets(response: nil, resolution: days(30)))
        #expect(policy.targets(for: .high) == SLAPolicy.standard.targets(for: .high), "unlisted priorities keep the defaults")
        #expect(policy.autoCloseAfter == nil)
    }

    @Test func theStandardPolicyWritesAFileThatReadsBack() throws {
        #expect(try SLAPolicy(yaml: SLAPolicy.standard.yaml) == .standard)
        #expect(try SLAPolicy(yaml: "") == .standard)
        #expect(try SLAPolicy(yaml: "# only a comment\n") == .standard)
    }

    @Test("errors name the line and the key", arguments: [
        ("priorities:\n  1: { response: 15x, resolution: 4h }\n",
         "config/sla.yaml:2: priorities.1.response: '15x' is not a duration (use e.g. 15m, 4h, 3d, or none)"),
        ("priorities:\n  2:\n    response: 60\n    resolution: 8h\n",
         "config/sla.yaml:3: priorities.2.response: '60' is not a duration (use e.g. 15m, 4h, 3d, or none); give a unit, e.g. 60m"),
        ("auto_close_after: 72h\nescalation: 5m\n",
         "config/sla.yaml:2: escalation: unknown key (known: priorities, auto_close_after)"),
        ("priorities:\n  6: { response: 1h, resolution: 1d }\n",
         "config/sla.yaml:2: priorities: '6' is not a priority (1 to 5)"),
        ("priorities:\n  1: { response: 15m }\n",
         "config/sla.yaml:2: priorities.1.resolution: missing (write `resolution: none` for no target)"),
        ("priorities:\n  1: { response: 15m, resolution: 4h, respnse: 1m }\n",
         "config/sla.yaml:2: priorities.1.respnse: unknown key (known: response, resolution)"),
        ("priorities: [1, 2]\n", "config/sla.yaml:1: priorities: expected a mapping of keys to values"),
    ])
    func configErrors(yaml: String, message: String) {
        let error = #expect(throws: SLAConfigError.self) { try SLAPolicy(yaml: yaml) }
        #expect(error?.description == message)
    }

    @Test func syntaxErrorsNameTheLine() {
        let error = #expect(throws: SLAConfigError.self) {
            try SLAPolicy(yaml: "priorities:\n  1: { response: 15m\n  2: x\n", path: "wiki/config/sla.yaml")
        }
        #expect(error?.path == "wiki/config/sla.yaml")
        #expect(error?.line != nil)
        #expect(error?.description.contains("not valid YAML") == true)
    }
}
