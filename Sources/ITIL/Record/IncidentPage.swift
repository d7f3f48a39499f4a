import Foundation

/// The human half of a record file: title, a field table, the description, the timeline, the alerts and labels.
///
/// Derived from the incident and never parsed, so it can change freely for readability. Values that come from
/// outside (labels, descriptions, notes) are attacker-controlled and this page is rendered by git hosting UIs, so
/// they are shown as literal text: inline values have every character that could start Markdown or HTML escaped
/// and their line breaks turned into `<br>`, and the description is a fenced block that nothing in it can close.
/// The header above keeps them verbatim.
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
            ("Acknowledged", incident.acknowledgedAt.map { "\(Self.time($0)) by \(incident.acknowledgedBy ?? "?")" }),
            ("Snoozed until", incident.snoozedUntil.map(Self.time)),
            ("Silenced by", incident.silencedBy),
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
        incident.description.isBlank ? nil : "## Description\n\n" + Self.literalBlock(incident.description)
    }

    private var timeline: String {
        let entries = incident.workNotes.map { note in
            "- \(Self.time(note.time)) · \(Self.inline(note.author)) · \(note.kind.rawValue): \(Self.inline(note.text))\n"
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

    /// A value inside a table cell: also `|`, which would end the cell.
    private static func cell(_ text: String) -> String {
        escaped(text, pipes: true)
    }

    /// A value on one line: no Markdown or HTML in it takes effect.
    private static func inline(_ text: String) -> String {
        escaped(text, pipes: false)
    }

    /// Text shown exactly as it is, over several lines: a fenced block whose fence is longer than any run
    /// of backticks in the text, so no line of it can close the block.
    static func literalBlock(_ text: String) -> String {
        var longest = 0, run = 0
        for byte in text.utf8 {
            run = byte == UInt8(ascii: "`") ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let body = text.hasSuffix("\n") ? text : text + "\n"
        return fence + "text\n" + body + fence + "\n"
    }

    /// Characters that start Markdown or HTML inline: emphasis, code spans, links and images, HTML and
    /// autolinks, entities, strikethrough, and the backslash itself.
    private static func isMarkup(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "!"), UInt8(ascii: "&"), UInt8(ascii: "~"): true
        default: false
        }
    }

    /// Markup characters escaped with a backslash (CommonMark's escape for any ASCII punctuation), line breaks
    /// (CRLF, LF, CR) as `<br>`, and in cells `|` as `\|`, in one pass over the bytes; text with none of them
    /// (most) is returned as is. Every record written renders dozens of cells, so this is on the audit log's hot path.
    private static func escaped(_ text: String, pipes: Bool) -> String {
        let special: (UInt8) -> Bool = { isMarkup($0) || $0 == 10 || $0 == 13 || (pipes && $0 == UInt8(ascii: "|")) }
        guard text.utf8.contains(where: special) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        var previousWasCR = false
        for byte in text.utf8 {
            defer { previousWasCR = byte == 13 }
            switch byte {
            case 10 where previousWasCR: continue
            case 10, 13: bytes += Array("<br>".utf8)
            case UInt8(ascii: "|") where pipes: bytes += Array("\\|".utf8)
            case _ where isMarkup(byte): bytes += [UInt8(ascii: "\\"), byte]
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
