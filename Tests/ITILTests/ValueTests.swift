import Foundation
import Testing
@testable import ITIL

@Suite("Values")
struct ValueTests {
    @Test func incidentNumbersReadAndWriteTheirCanonicalForm() throws {
        let number = try #require(IncidentNumber(parsing: "INC0000042"))
        #expect(number.value == 42)
        #expect(number.description == "INC0000042")
        #expect(IncidentNumber(parsing: "inc0000042") == number)
        #expect(number.next.description == "INC0000043")
        #expect(IncidentNumber.first.description == "INC0000001")
        #expect(IncidentNumber(9_999_999)!.next.description == "INC10000000")
        #expect(IncidentNumber(parsing: "INC10000000")?.value == 10_000_000)
        for bad in ["INC42", "INC00000042", "INC000004a", "42", "", "INC0000000", "INC-000042", "XYZ0000042"] {
            #expect(IncidentNumber(parsing: bad) == nil, "\(bad)")
        }
        #expect(IncidentNumber(parsing: "INC0000009")! < IncidentNumber(parsing: "INC0000010")!)
    }

    @Test func statesParseWhatPeopleType() {
        let cases: [(String, IncidentState)] = [
            ("new", .new), ("in-progress", .inProgress), ("in progress", .inProgress), ("In Progress", .inProgress),
            ("IN_PROGRESS", .inProgress), ("2", .inProgress), ("on hold", .onHold), ("3", .onHold),
            ("Resolved", .resolved), ("6", .resolved), ("closed", .closed), ("7", .closed),
            ("canceled", .canceled), ("cancelled", .canceled), ("8", .canceled), ("1", .new),
        ]
        for (text, state) in cases {
            #expect(IncidentState(parsing: text) == state, "\(text)")
        }
        for bad in ["", "open", "4", "5", "done"] {
            #expect(IncidentState(parsing: bad) == nil, "\(bad)")
        }
        #expect(IncidentState.allCases.map(\.code) == [1, 2, 3, 6, 7, 8])
        #expect(IncidentState.allCases.map(\.rawValue) == ["new", "in-progress", "on-hold", "resolved", "closed", "canceled"])
        #expect(IncidentState.allCases.filter(\.isOpen) == [.new, .inProgress, .onHold])
    }

    @Test func closeCodesAndHoldReasonsParseInAnyCase() {
        #expect(CloseCode.allCases.count == 8)
        #expect(CloseCode(parsing: "Solution provided") == .solutionProvided)
        #expect(CloseCode(parsing: "KNOWN_ERROR") == .knownError)
        #expect(CloseCode(parsing: "workaround-provided")?.title == "Workaround provided")
        #expect(CloseCode(parsing: "fixed") == nil)
        #expect(HoldReason(parsing: "Awaiting Caller") == .awaitingCaller)
        #expect(HoldReason(parsing: "vendor") == .awaitingVendor)
        #expect(HoldReason(parsing: "lunch") == nil)
    }

    @Test func impactAndUrgencyAcceptOnlyOneToThree() throws {
        #expect(try Impact(1) == .high)
        #expect(try Urgency(3) == .low)
        #expect(throws: IncidentError.impactOutOfRange(7)) { try Impact(7) }
        #expect(throws: IncidentError.urgencyOutOfRange(0)) { try Urgency(0) }
        #expect(IncidentError.impactOutOfRange(7).description == "impact must be 1, 2 or 3, got 7")
    }

    @Test("the full impact × urgency matrix", arguments: [
        (1, 1, Priority.critical), (1, 2, .high), (1, 3, .moderate),
        (2, 1, .high), (2, 2, .moderate), (2, 3, .low),
        (3, 1, .moderate), (3, 2, .low), (3, 3, .planning),
    ])
    func priorityMatrix(impact: Int, urgency: Int, priority: Priority) throws {
        #expect(Priority(impact: try Impact(impact), urgency: try Urgency(urgency)) == priority)
    }

    @Test func severityGivesUrgency() {
        #expect(AlertSeverity.critical.urgency == .high)
        #expect(AlertSeverity.error.urgency == .medium)
        #expect(AlertSeverity.warning.urgency == .medium)
        #expect(AlertSeverity.info.urgency == .low)
        #expect(AlertSeverity.urgency(forSeverity: "CRITICAL") == .high)
        #expect(AlertSeverity.urgency(forSeverity: "page") == .high)
        #expect(AlertSeverity.urgency(forSeverity: "info") == .low)
        #expect(AlertSeverity.urgency(forSeverity: "something-else") == .medium)
        #expect(AlertSeverity.urgency(forSeverity: nil) == .medium)
    }

    @Test func durationsAsWrittenInConfig() {
        #expect(DurationText.parse("15m") == 900)
        #expect(DurationText.parse("4h") == 14_400)
        #expect(DurationText.parse("3d") == 259_200)
        #expect(DurationText.parse("1h30m") == 5400)
        #expect(DurationText.parse("1w") == 604_800)
        for bad in ["", "15", "m", "15x", "-5m", "0m", "1.5h", "15 m"] {
            #expect(DurationText.parse(bad) == nil, "\(bad)")
        }
        #expect(DurationText.format(5400) == "1h30m")
        #expect(DurationText.format(259_200) == "3d")
    }

    @Test func timestampsAreFixedWidthUTCToTheMillisecond() throws {
        #expect(Timestamp.format(openedAt) == "2026-05-01T12:00:00.123Z")
        #expect(Timestamp.parse("2026-05-01T12:00:00.123Z") == openedAt)
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(try #require(Timestamp.parse("2024-02-29T23:59:59.999Z"))) == "2024-02-29T23:59:59.999Z")
        for bad in ["2026-02-30T00:00:00.000Z", "2026-05-01T12:00:00Z", "2026-05-01 12:00:00.000Z", "yesterday"] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
        var date = Date(timeIntervalSinceReferenceDate: 800_000_000)
        for _ in 0..<1000 {
            date += 0.0137
            let rounded = Timestamp.rounded(date)
            #expect(Timestamp.parse(Timestamp.format(rounded)) == rounded)
        }
    }
}
