import Foundation
import ITIL

/// The human-readable forms of incidents that the CLI prints.
enum IncidentText {
    /// What a row of `incidents list` shows, from a record in-process or a summary from the server.
    struct Row {
        let number: String
        let state: String
        let priority: Int
        let openedAt: Date
        let summary: String
    }

    /// `incidents list`: one row per incident.
    static func table(_ incidents: [Incident]) -> String {
        table(incidents.map { incident in
            Row(number: incident.number.description, state: incident.state.title, priority: incident.priority.rawValue,
                openedAt: incident.openedAt, summary: incident.shortDescription)
        })
    }

    /// `incidents list` from rows.
    static func table(_ rows: [Row]) -> String {
        let cells = rows.map { row in
            [row.number, row.state, "P\(row.priority)", shortTime(row.openedAt), Console.printable(oneLine(row.summary))]
        }
        return TextTable.columns([["NUMBER", "STATE", "PRI", "OPENED", "SUMMARY"]] + cells)
    }

    /// `incidents show`: the record as the page on the audit branch shows it.
    static func detail(_ incident: Incident) -> String {
        Console.printable(IncidentRecordFile.page(for: incident))
    }

    /// A table cell keeps to its row: line breaks become spaces.
    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// `2026-11-22 23:30Z`: minutes are enough in a list.
    private static func shortTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return String(formatter.string(from: date).prefix(16)) + "Z"
    }
}
