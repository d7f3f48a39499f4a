import Foundation
import ITIL

/// The human-readable forms of incidents that the CLI prints.
enum IncidentText {
    /// `incidents list`: one row per incident.
    static func table(_ incidents: [Incident]) -> String {
        let rows = incidents.map { incident in
            [incident.number.description, incident.state.title, "P\(incident.priority.rawValue)",
             shortTime(incident.openedAt), Console.printable(oneLine(incident.shortDescription))]
        }
        return TextTable.columns([["NUMBER", "STATE", "PRI", "OPENED", "SUMMARY"]] + rows)
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
