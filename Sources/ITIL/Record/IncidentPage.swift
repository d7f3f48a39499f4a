import Foundation

/// The human half of a record file: title, a field table, the description, the timeline, the alerts and labels.
///
/// Derived from the incident and never parsed, so it can change freely for readability. Values that come from
/// outside (labels, descriptions, notes) are escaped where they would break the table structure; the header above it
/// keeps them verbatim.
struct IncidentPage {
    let incident: Incident

    var markdown: String {
        [title, fields, descriptionSection, timeline, alerts, labels].compactMap { $0 }.joined(separator: "\n")
    }

    private var title: String {
        "# \(incident.number): \(Self.inline(incident.shortDescription))\n"
    }

    private var fields: String {
        var rows: [(String, String)] = [
            ("State", incident.state.title + (incident.holdReason.map { " (\($0))" } ?? "")),
            ("Priority", "\(incident.priority) (impact \(incident.impact), urgency \(incident.urgency))"),
            ("Opened", "\(Self.time(incident.openedAt)) by \(incident.openedBy), caller \(incident.caller)"),
        ]
        let optionalRows: [(String, String?)] = [
            ("Assignment group", incident.assignmentGroup),
            ("Assigned to", incident.assignedTo),
            ("Service", incident.service),
            ("Category", incident.category),
            ("Close code", incident.closeCode?.title),
            ("Close notes", incident.closeNotes),
            ("Resolved", incident.resolvedAt.map { "\(Self.time($0)) by \(incident.resolvedBy ?? "?")" }),
            ("Closed", incident.closedAt.map { "\(Self.time($0)) by \(incident.closedBy ?? "?")" }),
            ("Reopened", incident.reopenCount > 0 ? "\(incident.reopenCount) times" : nil),
            ("Runs", incident.runs.isEmpty ? nil : incident.runs.joined(separator: ", ")),
        ]
        rows += optionalRows.compactMap { name, value in value.map { (name, $0) } }
        rows.append(("SLA response", Self.clock(due: incident.sla.responseDue, met: incident.sla.responseMet)))
        var resolution = Self.clock(due: incident.sla.resolutionDue, met: incident.sla.resolutionMet)
        if let pausedAt = incident.sla.resolutionPausedAt { resolution += ", paused since \(Self.time(pausedAt)) (On Hold)" }
        rows.append(("SLA resolution", resolution))
        rows.append(("Updated", Self.time(incident.updatedAt)))
        return "| Field | Value |\n|---|---|\n" + rows.map { "| \($0.0) | \(Self.cell($0.1)) |\n" }.joined()
    }

    private var descriptionSection: String? {
        incident.description.isBlank ? nil : "## Description\n\n\(incident.description)\n"
    }

    private var timeline: String {
        let entries = incident.workNotes.map { note in
            // Continuation lines are indented so a multi-line note stays inside its list item.
            let text = note.text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ")
            return "- \(Self.time(note.time)) · \(Self.inline(note.author)) · \(note.kind.rawValue): \(text)\n"
        }
        return "## Timeline\n\n" + entries.joined()
    }

    private var alerts: String? {
        guard !incident.alerts.isEmpty else { return nil }
        let rows = incident.alerts.map { link in
            "| \(Self.cell(link.source)) | \(Self.cell(link.key)) | \(link.occurrences) "
                + "| \(Self.time(link.firstSeen)) | \(Self.time(link.lastSeen)) |\n"
        }
        return "## Alerts\n\n| Source | Key | Occurrences | First seen | Last seen |\n|---|---|---|---|---|\n" + rows.joined()
    }

    private var labels: String? {
        guard !incident.labels.isEmpty else { return nil }
        let rows = incident.labels.sorted { $0.key < $1.key }.map { "| \(Self.cell($0.key)) | \(Self.cell($0.value)) |\n" }
        return "## Labels\n\n| Label | Value |\n|---|---|\n" + rows.joined()
    }

    private static func clock(due: Date?, met: Bool?) -> String {
        guard let due else { return "no target" }
        let outcome = switch met {
        case true?: "met"
        case false?: "missed"
        case nil: "running"
        }
        return "due \(time(due)), \(outcome)"
    }

    private static func time(_ date: Date) -> String {
        Timestamp.format(date)
    }

    /// A value inside a table cell: pipes and line breaks would end the cell or the table, `<` could start HTML.
    private static func cell(_ text: String) -> String {
        escaped(text, pipes: true)
    }

    /// A value on one line.
    private static func inline(_ text: String) -> String {
        escaped(text, pipes: false)
    }

    /// `<` as `&lt;`, line breaks (CRLF, LF, CR) as `<br>`, and in cells `|` as `\|`, in one pass over the
    /// bytes; text with none of them (nearly all) is returned as is. Every record written renders
    /// dozens of cells, so this is on the audit log's hot path.
    private static func escaped(_ text: String, pipes: Bool) -> String {
        let special: (UInt8) -> Bool = { $0 == UInt8(ascii: "<") || $0 == 10 || $0 == 13 || (pipes && $0 == UInt8(ascii: "|")) }
        guard text.utf8.contains(where: special) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        var previousWasCR = false
        for byte in text.utf8 {
            defer { previousWasCR = byte == 13 }
            switch byte {
            case UInt8(ascii: "<"): bytes += Array("&lt;".utf8)
            case 10 where previousWasCR: continue
            case 10, 13: bytes += Array("<br>".utf8)
            case UInt8(ascii: "|") where pipes: bytes += Array("\\|".utf8)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
