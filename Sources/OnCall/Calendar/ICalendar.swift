import Foundation

/// RFC 5545 text of on-call shifts, for subscribing to a schedule or to one person's shifts from a calendar app.
///
/// Times are written in UTC (`20260105T080000Z`), which every client reads the same way and which needs no
/// `VTIMEZONE`; the client shows them on its own wall clock.
public struct ICalendar: Sendable {
    /// The calendar's display name (`X-WR-CALNAME`).
    public var name: String
    /// The shifts, one event each.
    public var shifts: [Shift]
    /// Display names of people by id, for the summaries; the id stands in for anyone missing.
    public var names: [PersonID: String]

    /// Creates a calendar.
    public init(name: String, shifts: [Shift], names: [PersonID: String] = [:]) {
        self.name = name
        self.shifts = shifts
        self.names = names
    }

    /// The `VCALENDAR` text: CRLF line endings, lines folded at 75 octets, text values escaped. `now` is the
    /// `DTSTAMP` of every event.
    public func text(now: Date) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//runbook//on-call//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
        lines.append("X-WR-CALNAME:" + Self.escape(name))
        for shift in shifts {
            lines += event(shift, now: now)
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    private func event(_ shift: Shift, now: Date) -> [String] {
        let person = names[shift.person] ?? shift.person
        return [
            "BEGIN:VEVENT",
            "UID:" + Self.uid(shift),
            "DTSTAMP:" + Self.utc(now),
            "DTSTART:" + Self.utc(shift.start),
            "DTEND:" + Self.utc(shift.end),
            "SUMMARY:" + Self.escape("On call: \(person) (\(shift.schedule))"),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    }

    /// The same shift gets the same UID in every export, so a client updates the event instead of duplicating it.
    static func uid(_ shift: Shift) -> String {
        let key = "\(shift.schedule)\u{0}\(shift.person)\u{0}\(Int(shift.start.timeIntervalSince1970))"
        return StableHash.hex(key) + "@runbook.oncall"
    }

    /// `yyyyMMdd'T'HHmmss'Z'`.
    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        let year = String(parts.year ?? 0)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + two(parts.month) + two(parts.day)
            + "T" + two(parts.hour) + two(parts.minute) + two(parts.second) + "Z"
    }

    /// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case ";": escaped += "\\;"
            case ",": escaped += "\\,"
            case "\n", "\r\n", "\r": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Folds a content line into pieces of at most 75 octets, continuation lines starting with a space
    /// (§3.1), never splitting a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var pieces: [String] = []
        var current = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if octets + size > 75 {
                pieces.append(current)
                current = " "
                octets = 1
            }
            current.unicodeScalars.append(scalar)
            octets += size
        }
        pieces.append(current)
        return pieces.joined(separator: "\r\n")
    }
}
