import ArgumentParser
import Foundation
import OnCall
import Runbooks
import Wiki

/// `runbook oncall ...`: who is on call, a schedule's final shifts and calendar feeds, from the wiki's on-call files.
struct OnCallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oncall",
        abstract: "Who is on call now and next, a schedule's final shifts, and iCalendar feeds, from the wiki's on-call files.",
        discussion: """
            Reads oncall/ and config/oncall.yaml as lint does: the files in the wiki's work tree (what is about to be \
            committed), or with --revision or in a bare repository, the committed ones. A part of the files with an \
            error is left out, as the server does; `runbook lint` says what is wrong.
            """,
        subcommands: [Now.self, Show.self, CalendarFeed.self]
    )

    /// `runbook oncall now`.
    struct Now: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who each schedule has on call now (or the fallback in a gap), until when, and who is next from when.")

        @OptionGroup var wikiOptions: WikiOptions

        @Argument(help: ArgumentHelp("Only this schedule (default: every schedule).", valueName: "schedule"))
        var schedule: String?

        @Option(help: ArgumentHelp(
            "Look at this time instead of now: ISO 8601 (2026-12-25T12:00:00Z); without an offset, on the schedule's wall clock "
                + "(UTC for all schedules).", valueName: "time"))
        var at: TimeArgument?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let config = try wikiOptions.onCallConfig()
            let named = try schedule.map { try config.schedule(named: $0) }
            let date = try at.map { try $0.date(in: named?.timeZone ?? .gmt) } ?? Date()
            let statuses = named.map { [$0.status(at: date)] } ?? config.status(at: date)
            if json {
                return try Console.json(OnCallReport(at: date, schedules: statuses), encoder: OnCallText.jsonEncoder)
            }
            if statuses.isEmpty { return Console.note("the wiki has no schedules (\(OnCallConfig.folder)/schedules/NAME.yaml)") }
            Console.out(statuses.map { OnCallText.status($0, people: config.people) }.joined(separator: "\n\n"))
        }
    }

    /// `runbook oncall show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A schedule's final shifts (layers and overrides applied), one a line, on the schedule's wall clock.",
            discussion: "Gaps (nobody scheduled) are listed with the fallback who is paged in them. At most 400 days at once."
        )

        @OptionGroup var wikiOptions: WikiOptions

        @Argument(help: ArgumentHelp("The schedule: the stem of oncall/schedules/NAME.yaml.", valueName: "schedule"))
        var schedule: String

        @Option(help: ArgumentHelp(
            "Start (default: now): ISO 8601; a date or a time without an offset is on the schedule's wall clock.", valueName: "time"))
        var from: TimeArgument?

        @Option(help: ArgumentHelp("End (default: 14 days after the start), like --from.", valueName: "time"))
        var to: TimeArgument?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let config = try wikiOptions.onCallConfig()
            let schedule = try config.schedule(named: self.schedule)
            let (start, end) = try TimeArgument.range(from: from, to: to, in: schedule.timeZone, defaultLength: 14 * 86_400)
            let shifts = schedule.shifts(from: start, to: end)
            let gaps = schedule.gaps(from: start, to: end)
            if json {
                let list = ShiftList(schedule: schedule.name, timeZone: schedule.timeZone.identifier, from: start, to: end, shifts: shifts,
                                     gaps: gaps.map { ShiftList.Gap(start: $0.start, end: $0.end) }, fallback: schedule.fallback)
                return try Console.json(list, encoder: OnCallText.jsonEncoder)
            }
            Console.out(OnCallText.shifts(of: schedule, from: start, to: end, shifts: shifts, gaps: gaps, people: config.people))
        }
    }

    /// `runbook oncall calendar`.
    struct CalendarFeed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calendar",
            abstract: "Print a schedule's or a person's shifts as an iCalendar (.ics) file, for importing into a calendar app.",
            discussion: """
                Times are written in UTC, which every calendar app reads alike. The default range, like the server's \
                feed, is the past 30 days and the next 180. A time without an offset is on the schedule's wall clock, \
                or the person's (UTC if the person has no time_zone).
                """
        )

        @OptionGroup var wikiOptions: WikiOptions

        @Option(help: ArgumentHelp("The schedule's final shifts.", valueName: "name"))
        var schedule: String?

        @Option(help: ArgumentHelp("One person's shifts across all schedules.", valueName: "id"))
        var person: String?

        @Option(help: ArgumentHelp("Start (default: 30 days ago), ISO 8601.", valueName: "time"))
        var from: TimeArgument?

        @Option(help: ArgumentHelp("End (default: 210 days after the start), ISO 8601.", valueName: "time"))
        var to: TimeArgument?

        func validate() throws {
            guard (schedule == nil) != (person == nil) else { throw ValidationError("give either --schedule NAME or --person ID") }
        }

        func run() async throws {
            let config = try wikiOptions.onCallConfig()
            let calendar: ICalendar?
            if let schedule {
                let zone = try config.schedule(named: schedule).timeZone
                let (start, end) = try TimeArgument.range(from: from, to: to, in: zone, defaultStart: Date() - 30 * 86_400,
                                                          defaultLength: 210 * 86_400)
                calendar = config.calendar(forSchedule: schedule, from: start, to: end)
            } else {
                let found = try config.person(withID: person ?? "")
                let (start, end) = try TimeArgument.range(from: from, to: to, in: found.timeZone ?? .gmt, defaultStart: Date() - 30 * 86_400,
                                                          defaultLength: 210 * 86_400)
                calendar = config.calendar(forPerson: found.id, from: start, to: end)
            }
            // Already CRLF-terminated, as RFC 5545 wants: written as is, without Console.out's newline.
            FileHandle.standardOutput.write(Data((calendar?.text(now: Date()) ?? "").utf8))
        }
    }
}

/// `runbook oncall now --json`: the instant looked at and every schedule's status then.
struct OnCallReport: Encodable {
    var at: Date
    var schedules: [ScheduleStatus]
}

/// `runbook oncall show --json`: the final schedule in a range, as the server's `GET /api/v1/oncall/schedules/{name}` has it,
/// with the range and its gaps.
struct ShiftList: Encodable {
    /// A stretch with nobody scheduled, when the fallback (if any) is paged.
    struct Gap: Encodable {
        var start: Date
        var end: Date
    }

    var schedule: String
    var timeZone: String
    var from: Date
    var to: Date
    var shifts: [Shift]
    var gaps: [Gap]
    var fallback: PersonID?
}

extension OnCallConfig {
    /// The schedule called `name`, or an error that lists the schedules there are.
    func schedule(named name: String) throws -> Schedule {
        guard let schedule = schedules[name] else {
            let known = schedules.keys.sorted().joined(separator: ", ")
            throw CLIError("no schedule '\(name)' in \(Self.folder)/schedules/ (known: \(known.isEmpty ? "none" : known))")
        }
        return schedule
    }

    /// The person with `id`, or an error that lists the ids there are.
    func person(withID id: PersonID) throws -> Person {
        guard let person = people[id] else {
            let known = people.keys.sorted().joined(separator: ", ")
            throw CLIError("no person '\(id)' in \(Self.folder)/people.yaml (known: \(known.isEmpty ? "none" : known))")
        }
        return person
    }
}

/// A time on the command line: ISO 8601 with `Z` or an offset (`2026-12-24T09:00:00Z`), or a wall-clock time or date
/// (`2026-12-24T09:00`, `2026-12-24`), which the command reads in the zone it concerns (a schedule's, a person's).
struct TimeArgument: ExpressibleByArgument {
    private enum Value {
        case instant(Date)
        case wallClock(DateComponents)
    }

    private let value: Value
    private let text: String

    init?(argument: String) {
        text = argument
        if let date = Self.instant(argument) {
            value = .instant(date)
        } else if let parts = Self.wallClock(argument) {
            value = .wallClock(parts)
        } else {
            return nil
        }
    }

    /// The instant: as written when the text has an offset, else on the wall clock of `zone`.
    func date(in zone: TimeZone) throws -> Date {
        switch value {
        case .instant(let date):
            return date
        case .wallClock(let parts):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            // Round-tripped so that February 30th is refused instead of becoming March 2nd.
            guard let date = calendar.date(from: parts),
                  calendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: parts.year, month: parts.month, day: parts.day)
            else { throw CLIError("'\(text)' is not a date that exists") }
            return date
        }
    }

    /// `[from, to)` from two optional arguments read in `zone`: the start defaults to `defaultStart` (now), the end to
    /// `defaultLength` after the start. Refuses an empty range and one longer than the schedules compute.
    static func range(from: TimeArgument?, to: TimeArgument?, in zone: TimeZone, defaultStart: Date = Date(),
                      defaultLength: TimeInterval) throws -> (Date, Date) {
        let start = try from?.date(in: zone) ?? defaultStart
        let end = try to?.date(in: zone) ?? start + defaultLength
        guard start < end else { throw CLIError("--from must be before --to") }
        guard end.timeIntervalSince(start) <= Schedule.longestRange else {
            throw CLIError("at most \(Int(Schedule.longestRange / 86_400)) days at once")
        }
        return (start, end)
    }

    private static func instant(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM` or `HH:MM:SS`.
    private static func wallClock(_ text: String) -> DateComponents? {
        let halves = text.split(omittingEmptySubsequences: false) { $0 == "T" || $0 == " " }
        guard halves.count <= 2 else { return nil }
        let day = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        guard day.count == 3, day[0].count == 4, day[1].count == 2, day[2].count == 2,
              let year = Int(day[0]), let month = Int(day[1]), let date = Int(day[2]), (1...12).contains(month), (1...31).contains(date)
        else { return nil }
        var time = [0, 0, 0]
        if halves.count == 2 {
            let pieces = halves[1].split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(pieces.count), pieces.allSatisfy({ $0.count == 2 }) else { return nil }
            for (index, piece) in pieces.enumerated() {
                guard let number = Int(piece) else { return nil }
                time[index] = number
            }
            guard time[0] < 24, time[1] < 60, time[2] < 60 else { return nil }
        }
        return DateComponents(year: year, month: month, day: date, hour: time[0], minute: time[1], second: time[2])
    }
}

/// How the on-call commands show people, times and shifts.
enum OnCallText {
    /// `--json`: the CLI's usual JSON, with times as ISO 8601 text as the API writes them.
    static var jsonEncoder: JSONEncoder {
        let encoder = Console.defaultEncoder
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// One schedule's block of `oncall now`.
    static func status(_ status: ScheduleStatus, people: [PersonID: Person]) -> String {
        let zone = TimeZone(identifier: status.timeZone) ?? .gmt
        var onCall: String
        if let person = status.onCall {
            onCall = name(person, people)
            // In a gap the fallback stands in until the next shift begins.
            let until = status.until ?? (status.isFallback ? status.next?.start : nil)
            if status.isFallback { onCall += " [fallback: nobody is scheduled]" }
            if let until { onCall += " until " + both(until, zone) }
        } else {
            onCall = "nobody (a gap, and the schedule has no fallback)" + (status.next.map { " until " + both($0.start, zone) } ?? "")
        }
        let next = status.next.map { name($0.person, people) + " from " + both($0.start, zone) } ?? "nobody else in the next 60 days"
        return "\(status.schedule) (\(status.timeZone))\n" + TextTable.columns([["  on call", onCall], ["  next", next]])
    }

    /// `oncall show`'s text: a heading, then one shift or gap a line.
    static func shifts(of schedule: Schedule, from: Date, to: Date, shifts: [Shift], gaps: [DateInterval],
                       people: [PersonID: Person]) -> String {
        let zone = schedule.timeZone
        let gapText = "nobody" + (schedule.fallback.map { " (fallback: \(name($0, people)))" } ?? " (no fallback)")
        let rows = (shifts.map { ($0.start, $0.end, name($0.person, people)) } + gaps.map { ($0.start, $0.end, gapText) })
            .sorted { $0.0 < $1.0 }
            .map { [local($0.0, zone), "–", local($0.1, zone), $0.2] }
        let heading = "\(schedule.name): final schedule in \(zone.identifier), \(local(from, zone)) to \(local(to, zone))"
        return heading + "\n" + (rows.isEmpty ? "nobody is on call in this range" : TextTable.columns(rows))
    }

    /// `Bob Example (bob)`, or the id alone for someone not in people.yaml.
    static func name(_ id: PersonID, _ people: [PersonID: Person]) -> String {
        guard let person = people[id], person.name != id else { return id }
        return "\(Console.printable(person.name)) (\(id))"
    }

    /// `2026-12-27 08:00 UTC (Sun 2026-12-27 09:00 Europe/Berlin)`.
    static func both(_ date: Date, _ zone: TimeZone) -> String {
        let utc = format(date, .gmt, "yyyy-MM-dd HH:mm") + " UTC"
        let isUTC = ["UTC", "GMT", "Etc/UTC", "Etc/GMT", "Etc/Universal", "Universal", "Zulu"].contains(zone.identifier)
        return isUTC ? utc : utc + " (\(local(date, zone)) \(zone.identifier))"
    }

    /// `Sun 2026-12-27 09:00` on the wall clock of `zone`.
    static func local(_ date: Date, _ zone: TimeZone) -> String {
        format(date, zone, "EEE yyyy-MM-dd HH:mm")
    }

    private static func format(_ date: Date, _ zone: TimeZone, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
