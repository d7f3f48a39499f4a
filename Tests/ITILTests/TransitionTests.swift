import Foundation
import Testing
@testable import ITIL

@Suite("State machine")
struct TransitionTests {
    /// ServiceNow's transitions, written out independently of the model's table.
    static let allowed: Set<[IncidentState]> = [
        [.new, .inProgress], [.new, .onHold], [.new, .resolved], [.new, .canceled],
        [.inProgress, .onHold], [.inProgress, .resolved], [.inProgress, .canceled],
        [.onHold, .inProgress], [.onHold, .resolved], [.onHold, .canceled],
        [.resolved, .inProgress], [.resolved, .closed],
    ]

    static let pairs = IncidentState.allCases.flatMap { from in IncidentState.allCases.map { to in (from, to) } }

    @Test("every pair of states", arguments: pairs)
    func transition(from: IncidentState, to: IncidentState) throws {
        var incident = try incident(in: from)
        let before = incident
        let time = at(hours(1))
        if Self.allowed.contains([from, to]) {
            try incident.apply(move(to: to), at: time, actor: "bob")
            #expect(incident.state == to)
            #expect(incident.updatedAt == time)
            #expect(incident.workNotes.last?.kind == .system)
            #expect(incident.workNotes.last?.author == "bob")
            #expect(incident.workNotes.last?.text.contains("→ \(to.title)") == true)
        } else {
            let error = try #require(throws: IncidentError.self) {
                try incident.apply(move(to: to), at: time, actor: "bob")
            }
            if from.isFinal {
                #expect(error == .finalState(incident.number, from))
            } else {
                #expect(error == .forbiddenTransition(incident.number, from: from, to: to))
            }
            #expect(incident == before, "a refused event changes nothing")
        }
    }

    @Test func forbiddenTransitionsSayWhatIsAllowed() throws {
        var incident = try incident(in: .new)
        let error = try #require(throws: IncidentError.self) {
            try incident.apply(.transitioned(to: .closed), at: openedAt, actor: "bob")
        }
        #expect(error.description == "INC0000042 cannot go from New to Closed; from New it can go to In Progress, On Hold, Resolved or Canceled")
    }

    @Test func resolvingNeedsACloseCodeAndNotes() throws {
        var incident = try incident(in: .inProgress)
        for event: IncidentEvent in [
            .transitioned(to: .resolved),
            .transitioned(to: .resolved, code: .solutionProvided),
            .transitioned(to: .resolved, code: .solutionProvided, notes: "  "),
            .transitioned(to: .resolved, notes: "fixed it"),
        ] {
            #expect(throws: IncidentError.resolutionIncomplete(incident.number)) {
                try incident.apply(event, at: at(hours(1)), actor: "bob")
            }
        }
        #expect(IncidentError.resolutionIncomplete(incident.number).description.hasPrefix(
            "resolving INC0000042 needs a close code (one of: duplicate, known-error, "))
        try incident.apply(move(to: .resolved), at: at(hours(1)), actor: "bob")
        #expect(incident.closeCode == .solutionProvided)
        #expect(incident.closeNotes == "removed rotated logs")
        #expect(incident.resolvedAt == at(hours(1)))
        #expect(incident.resolvedBy == "bob")
    }

    @Test func onHoldNeedsAReasonAndLeavingItClearsTheReason() throws {
        var incident = try incident(in: .inProgress)
        #expect(throws: IncidentError.holdReasonMissing(incident.number)) {
            try incident.apply(.transitioned(to: .onHold), at: openedAt, actor: "bob")
        }
        try incident.apply(.transitioned(to: .onHold, reason: .awaitingCaller), at: at(minutes(5)), actor: "bob")
        #expect(incident.holdReason == .awaitingCaller)
        try incident.apply(.transitioned(to: .inProgress), at: at(minutes(6)), actor: "bob")
        #expect(incident.holdReason == nil)
    }

    @Test func detailsForAnotherTargetAreRefused() throws {
        var incident = try incident(in: .inProgress)
        #expect(throws: IncidentError.detailNotApplicable(incident.number, detail: "close code", to: .canceled)) {
            try incident.apply(.transitioned(to: .canceled, code: .duplicate), at: openedAt, actor: "bob")
        }
        #expect(throws: IncidentError.detailNotApplicable(incident.number, detail: "hold reason", to: .resolved)) {
            try incident.apply(
                .transitioned(to: .resolved, reason: .awaitingCaller, code: .duplicate, notes: "dup"), at: openedAt, actor: "bob")
        }
    }

    @Test func reopeningCountsAndClearsTheResolution() throws {
        var incident = try incident(in: .resolved)
        try incident.apply(.reopened(reason: "disk filled again"), at: at(hours(1)), actor: "carol")
        #expect(incident.state == .inProgress)
        #expect(incident.reopenCount == 1)
        #expect(incident.closeCode == nil && incident.closeNotes == nil && incident.resolvedAt == nil)
        #expect(incident.workNotes.last?.text == "reopened (1): state Resolved → In Progress: disk filled again")
        // A move to In Progress from Resolved is the same reopen, as the CLI's `transition --to in-progress` does it.
        try incident.apply(move(to: .resolved), at: at(hours(2)), actor: "carol")
        try incident.apply(.transitioned(to: .inProgress), at: at(hours(3)), actor: "carol")
        #expect(incident.reopenCount == 2)
        var open = try ITILTests.incident(in: .inProgress)
        #expect(throws: IncidentError.notResolved(open.number, .inProgress)) {
            try open.apply(.reopened(), at: openedAt, actor: "carol")
        }
    }

    @Test func closedIsFinal() throws {
        var incident = try incident(in: .closed)
        #expect(incident.closedAt == at(minutes(2)))
        #expect(incident.closedBy == "alice")
        let error = try #require(throws: IncidentError.self) {
            try incident.apply(.reopened(), at: at(days(1)), actor: "carol")
        }
        #expect(error.description == "INC0000042 is Closed; a closed incident is never reopened — open a new one")
        for event: IncidentEvent in [.noteAdded("late note"), .assigned(group: "ops", to: nil), .autoClosed, .runLinked("9")] {
            #expect(throws: IncidentError.finalState(incident.number, .closed)) {
                try incident.apply(event, at: at(days(1)), actor: "carol")
            }
        }
    }

    @Test func autoCloseClosesOnlyResolvedIncidents() throws {
        var resolved = try incident(in: .resolved)
        try resolved.apply(.autoClosed, at: at(days(3)), actor: "system")
        #expect(resolved.state == .closed)
        #expect(resolved.closedBy == "system")
        #expect(resolved.closeCode == .solutionProvided, "the resolution stays on a closed incident")
        var open = try incident(in: .inProgress)
        #expect(throws: IncidentError.forbiddenTransition(open.number, from: .inProgress, to: .closed)) {
            try open.apply(.autoClosed, at: at(days(3)), actor: "system")
        }
    }

    @Test func repeatedAlertsCountOccurrencesWhileOpen() throws {
        var incident = try openIncident()
        let alert = AlertKey(source: "alertmanager", key: "3f2a9c")
        try incident.apply(.alertRepeated(alert), at: at(hours(4)), actor: "alertmanager")
        try incident.apply(.alertRepeated(alert), at: at(hours(8)), actor: "alertmanager")
        #expect(incident.alerts.first?.occurrences == 3)
        #expect(incident.alerts.first?.firstSeen == openedAt)
        #expect(incident.alerts.first?.lastSeen == at(hours(8)))
        let other = AlertKey(source: "pagerduty", key: "3f2a9c")
        #expect(throws: IncidentError.alertNotLinked(incident.number, other)) {
            try incident.apply(.alertRepeated(other), at: openedAt, actor: "pagerduty")
        }
        try incident.apply(move(to: .resolved), at: at(hours(9)), actor: "bob")
        #expect(throws: IncidentError.notOpen(incident.number, .resolved, event: "a repeated alert")) {
            try incident.apply(.alertRepeated(alert), at: at(hours(10)), actor: "alertmanager")
        }
    }

    @Test func notesAssignmentsAndRunsGoToTheTimeline() throws {
        var incident = try openIncident()
        try incident.apply(.noteAdded("looking at it"), at: at(minutes(1)), actor: "alice")
        try incident.apply(.assigned(group: "storage", to: "alice"), at: at(minutes(2)), actor: "alice")
        try incident.apply(.runLinked("1"), at: at(minutes(3)), actor: "automation")
        #expect(throws: IncidentError.emptyText(field: "note")) {
            try incident.apply(.noteAdded(" \n"), at: openedAt, actor: "alice")
        }
        #expect(incident.workNotes.map(\.text) == [
            "opened with priority 3 Moderate (impact 2, urgency 2) from alert alertmanager/3f2a9c",
            "looking at it", "assigned to alice (group storage)", "run 1 started",
        ])
        #expect(incident.workNotes.map(\.kind) == [.system, .note, .system, .system])
        #expect(incident.assignedTo == "alice" && incident.assignmentGroup == "storage")
        #expect(incident.runs == ["1"])
        #expect(incident.state == .new, "notes and assignment are not a response")
        #expect(incident.sla.respondedAt == nil)
    }

    @Test func openingRefusesABlankSummaryAndApplyingOpenedAgain() throws {
        let opening = IncidentOpening(number: .first, shortDescription: "  ", slaTargets: .none)
        #expect(throws: IncidentError.emptyText(field: "short description")) {
            try Incident(opening: opening, at: openedAt, actor: "cli")
        }
        var incident = try openIncident()
        #expect(throws: IncidentError.alreadyOpened(incident.number)) {
            try incident.apply(.opened(opening), at: openedAt, actor: "cli")
        }
    }
}
