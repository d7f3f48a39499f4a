import Foundation
import Testing
@testable import ITIL

@Suite("Record file")
struct RecordFileTests {
    /// Label values an attacker controls: newlines, quotes, the header delimiter, Markdown and HTML, any Unicode.
    /// (Not a NUL or an empty name: the model refuses those, see ``Incident/check(labels:)``.)
    static let nastyLabels: [String: String] = [
        "alertname": "DiskAlmostFull",
        "newlines": "line 1\nline 2\r\nline 3\r",
        "delimiter": "x\n---\ny",
        "quotes": #"say "hi" and \"escaped\" \n not a newline"#,
        "markdown": "| a | b |\n# heading\n<script>alert(1)</script> -->",
        "unicode": "žluťoučký kůň 🐴 \u{200B}\u{FEFF} עִבְרִית",
        "control": "bell\u{7}esc\u{1B}",
        "key with spaces / and \"quotes\"": "",
    ]

    /// An incident that has been through everything, so that every field has a value.
    static func workedIncident() throws -> Incident {
        var incident = try openIncident(impact: .high, urgency: .high, labels: nastyLabels)
        incident.description = "Multi-line\n\n---\n\ndescription with `code`"
        incident.category = "storage"
        incident.service = "storage-cluster"
        let alert = AlertKey(source: "alertmanager", key: "3f2a9c")
        try incident.apply(.alertRepeated(alert), at: at(minutes(5)), actor: "alertmanager")
        try incident.apply(.slaBreached(.response), at: at(minutes(16)), actor: "system")
        try incident.apply(.assigned(group: "storage", to: "alice"), at: at(minutes(17)), actor: "bob")
        try incident.apply(.transitioned(to: .onHold, reason: .awaitingVendor), at: at(minutes(18)), actor: "alice")
        try incident.apply(.transitioned(to: .inProgress, notes: "vendor answered"), at: at(minutes(30)), actor: "alice")
        try incident.apply(.noteAdded("tried:\n```sh\ndf -h\n```\n\"quoted\" ✓"), at: at(minutes(31)), actor: "alice")
        try incident.apply(.runLinked("run-1"), at: at(minutes(32)), actor: "automation")
        try incident.apply(move(to: .resolved), at: at(hours(1)), actor: "alice")
        try incident.apply(.reopened(reason: "again"), at: at(hours(2)), actor: "carol")
        try incident.apply(.transitioned(to: .resolved, code: .workaroundProvided, notes: "moved logs\nto /data"), at: at(hours(3)), actor: "carol")
        try incident.apply(.autoClosed, at: at(hours(75)), actor: "system")
        return incident
    }

    @Test func aRecordReadsBackExactly() throws {
        let incident = try Self.workedIncident()
        let text = IncidentRecordFile.render(incident)
        let parsed = try IncidentRecordFile.parse(text)
        #expect(parsed == incident)
        #expect(parsed.labels == Self.nastyLabels)
        #expect(IncidentRecordFile.render(parsed) == text, "rendering is deterministic")
        #expect(try IncidentRecordFile.parse(Data(text.utf8)) == incident)
    }

    @Test func everyStateReadsBack() throws {
        for state in IncidentState.allCases {
            let incident = try incident(in: state)
            #expect(try IncidentRecordFile.parse(IncidentRecordFile.render(incident)) == incident, "\(state)")
        }
    }

    @Test func theFileIsAReadablePageWithOneFieldPerHeaderLine() throws {
        let incident = try Self.workedIncident()
        let text = IncidentRecordFile.render(incident)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "---")
        #expect(lines[1] == "{")
        #expect(lines.contains("  \"number\" : \"INC0000042\","))
        #expect(lines.contains("  \"state\" : \"closed\","))
        #expect(lines.contains("  \"opened_at\" : \"2026-05-01T12:00:00.123Z\","))
        #expect(lines.contains("# INC0000042: Disk almost full on db-1"))
        #expect(lines.contains("| State | Closed |"))
        #expect(lines.contains("| Priority | 1 Critical (impact 1 High, urgency 1 High) |"))
        #expect(lines.contains("| delimiter | x<br>---<br>y |"))
        #expect(lines.contains("## Timeline"))
    }

    @Test func recordsAreFiledByNumberAHundredToAFolder() throws {
        func path(_ value: Int) throws -> String { IncidentRecordFile.path(for: try #require(IncidentNumber(value))) }
        #expect(try path(42) == "incidents/000/00/INC0000042/record.md")
        #expect(try path(12_345) == "incidents/001/23/INC0012345/record.md")
        #expect(try path(9_999_999) == "incidents/999/99/INC9999999/record.md")
        #expect(try path(12_345_678) == "incidents/1234/56/INC12345678/record.md")
    }

    @Test func aTransitionChangesOnlyItsLinesOfTheHeader() throws {
        var incident = try openIncident()
        let before = Self.headerLines(of: incident)
        try incident.apply(.transitioned(to: .inProgress), at: at(minutes(3)), actor: "alice")
        let added = Self.headerLines(of: incident).filter { !before.contains($0) }
        // The new work note (4 fields, braces), state, updated_at and the stopped response clock; nothing else.
        #expect(added.count <= 10, "\(added)")
        #expect(added.contains("  \"state\" : \"in-progress\","))
    }

    private static func headerLines(of incident: Incident) -> [Substring] {
        let lines = IncidentRecordFile.render(incident).split(separator: "\n")
        return Array(lines.dropFirst().prefix { $0 != "---" })
    }

    /// One way to damage a record file, and what the error must say about it.
    struct Damage: Sendable, CustomTestStringConvertible {
        enum Edit: Sendable {
            case dropFirst(Int), keepPrefix(Int), replace(String, String)
        }

        let name: String
        let edit: Edit
        let line: Int?
        let field: String?
        let message: String?

        var testDescription: String { name }

        func apply(to text: String) -> String {
            switch edit {
            case .dropFirst(let count): String(text.dropFirst(count))
            case .keepPrefix(let count): String(text.prefix(count))
            case .replace(let old, let new): text.replacingOccurrences(of: old, with: new)
            }
        }
    }

    @Test("corrupt files name the line and the field", arguments: [
        Damage(name: "no header", edit: .dropFirst(4), line: 1, field: nil, message: "expected the header to open"),
        Damage(name: "truncated", edit: .keepPrefix(300), line: nil, field: nil, message: "not closed by a '---' line"),
        Damage(name: "bad JSON", edit: .replace("\"caller\" : \"alertmanager\",", "\"caller\" : alertmanager,"),
               line: nil, field: nil, message: "not valid JSON"),
        Damage(name: "bad time", edit: .replace("\"time\" : \"2026-05-01T12:03:00.123Z\"", "\"time\" : \"yesterday\""),
               line: nil, field: "work_notes[1].time", message: "expected a UTC time like 2026-05-01T12:34:56.789Z, got \"yesterday\""),
        Damage(name: "impact out of range", edit: .replace("\"impact\" : 2,", "\"impact\" : 7,"),
               line: nil, field: "impact", message: "impact must be 1, 2 or 3, got 7"),
        Damage(name: "priority disagrees", edit: .replace("\"priority\" : 3,", "\"priority\" : 1,"),
               line: nil, field: "priority", message: "priority 1 does not match impact 2 × urgency 2, which is priority 3"),
        Damage(name: "unknown state", edit: .replace("\"state\" : \"in-progress\"", "\"state\" : \"open\""),
               line: nil, field: "state", message: nil),
        Damage(name: "missing field", edit: .replace("  \"caller\" : \"alertmanager\",\n", ""),
               line: nil, field: "caller", message: "missing"),
        Damage(name: "wrong type", edit: .replace("\"reopen_count\" : 0", "\"reopen_count\" : \"none\""),
               line: nil, field: "reopen_count", message: "expected a whole number"),
    ])
    func corruptFile(damage: Damage) throws {
        let (name, line, field, message) = (damage.name, damage.line, damage.field, damage.message)
        var incident = try openIncident()
        try incident.apply(.transitioned(to: .inProgress), at: at(minutes(3)), actor: "alice")
        let text = IncidentRecordFile.render(incident)
        let damaged = damage.apply(to: text)
        #expect(damaged != text, "the test damages the file")
        let error = try #require(throws: RecordFileError.self) { try IncidentRecordFile.parse(damaged) }
        if let line {
            #expect(error.line == line)
        } else {
            // The reported line must hold the damage (or, for a missing field, the object that misses it).
            let reported = try #require(error.line, "\(error)")
            let damagedLines = damaged.split(separator: "\n", omittingEmptySubsequences: false)
            let originalLines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if field != "caller", name != "truncated" {
                #expect(damagedLines[reported - 1] != originalLines[reported - 1], "\(error)")
            }
        }
        #expect(error.field == field, "\(error)")
        if let message {
            #expect(error.message.contains(message), "\(error)")
        }
    }
}
