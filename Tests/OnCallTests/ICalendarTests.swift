import Foundation
import Testing
@testable import OnCall

/// The calendar feeds a person subscribes to.
struct ICalendarTests {
    static let stamp = at("2026-12-01T12:00:00Z")

    static func config() -> OnCallConfig {
        OnCallConfig.load(files: Fixtures.all, now: stamp).config
    }

    @Test("a schedule's feed is a VCALENDAR of one VEVENT per shift, in UTC, with CRLF line endings")
    func scheduleFeed() throws {
        let calendar = try #require(Self.config().calendar(forSchedule: "primary", from: at("2026-12-14T00:00:00Z"), to: at("2026-12-16T00:00:00Z")))
        let text = calendar.text(now: Self.stamp)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == 2)
        #expect(lines.contains("DTSTART:20261214T080000Z")) // 09:00 in Berlin
        #expect(lines.contains("DTEND:20261214T160000Z"))
        #expect(lines.contains("DTSTAMP:20261201T120000Z"))
        #expect(lines.contains("SUMMARY:On call: Bob Example (primary)"))
    }

    @Test("UIDs are the same in every export of the same shift, and differ between shifts")
    func stableUIDs() throws {
        let range = (at("2026-12-14T00:00:00Z"), at("2026-12-20T00:00:00Z"))
        let first = try #require(Self.config().calendar(forSchedule: "primary", from: range.0, to: range.1)).text(now: Self.stamp)
        let later = try #require(Self.config().calendar(forSchedule: "primary", from: range.0, to: range.1)).text(now: .now)
        let uids = { (text: String) in text.components(separatedBy: "\r\n").filter { $0.hasPrefix("UID:") } }
        #expect(uids(first) == uids(later))
        #expect(Set(uids(first)).count == uids(first).count)
    }

    @Test("a person's feed has their shifts across schedules, in time order")
    func personFeed() throws {
        var config = Self.config()
        let tz = TimeZone(identifier: "UTC")!
        let nights = RotationLayer(name: "n", start: at("2026-12-01T00:00:00Z"), turn: .days(1), participants: ["bob"])
        config.schedules["secondary"] = Schedule(name: "secondary", timeZone: tz, layers: [nights])
        let calendar = try #require(config.calendar(forPerson: "bob", from: at("2026-12-14T00:00:00Z"), to: at("2026-12-15T00:00:00Z")))
        #expect(calendar.shifts.map(\.schedule) == ["secondary", "primary"])
        #expect(calendar.shifts.allSatisfy { $0.person == "bob" })
        #expect(config.calendar(forPerson: "nobody", from: .now, to: .now) == nil)
    }

    @Test("text is escaped and long lines are folded at 75 octets without splitting a character")
    func escapeAndFold() {
        #expect(ICalendar.escape("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne")
        let shift = Shift(schedule: "db; weekend, nights", person: "zoë", start: Self.stamp, end: Self.stamp.addingTimeInterval(3600))
        let name = String(repeating: "Zoë Ünderscore-Ëxample ", count: 4)
        let text = ICalendar(name: "x", shifts: [shift], names: ["zoë": name]).text(now: Self.stamp)
        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("SUMMARY:On call: \(name) (db\\; weekend\\, nights)\r\n"))
        #expect(lines.contains { $0.hasPrefix(" ") })
    }
}
