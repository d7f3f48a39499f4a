import Foundation

/// A cron schedule (`0 6 * * 1-5`) read as wall-clock times in an IANA time zone, as in a runbook's
/// `schedule: { cron: "0 6 * * 1-5", timezone: Europe/Berlin }`.
///
/// Syntax: the five standard fields `minute hour day-of-month month day-of-week`, each `*`, a number, a range (`1-5`),
/// a list (`1,15`), a step (`*/15`, `10-50/10`, or `5/15` for `5-59/15`); months and weekdays also by three-letter
/// name (`jan`, `mon-fri`, any case); Sunday is 0 or 7. Macros: `@hourly @daily @midnight @weekly @monthly @yearly
/// @annually`. As in Vixie cron, when day-of-month and day-of-week are both restricted (neither starts with `*`), a day
/// matching either one is chosen (`0 0 13 * 5` runs on every 13th and every Friday); otherwise both must match, so
/// `*/2` counts as unrestricted. Ranges do not wrap (`22-2` is an error), except that `sat-sun` ends on Sunday; a step
/// as large as the field (`*/60`) is rejected because it could only ever select the start.
///
/// Daylight saving time, so that a job never runs twice for one wall-clock time and never silently disappears:
/// 1. A matching local time that exists once yields exactly that instant.
/// 2. A matching local time skipped by a spring-forward gap (02:30 on 2027-03-28 in Europe/Berlin) yields the first
///    instant after the gap (03:00 CEST = 01:00 UTC). All matching times in one gap, and a match at the gap's end,
///    collapse into that single instant: `*/15 2 * * *` runs once that night.
/// 3. A matching local time that occurs twice (02:30 on 2027-10-31 in Europe/Berlin) yields only its first occurrence
///    (02:30 CEST = 00:30 UTC). So nothing runs in the second pass of a repeated hour: `0 * * * *` skips the second 02:00.
/// 4. Iterating `next(after:)` is strictly increasing: no instant is produced twice and time never goes backwards.
///
/// Resolution is whole minutes; produced instants have zero seconds (unless a zone's gap ends off the minute).
public struct CronSchedule: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The expression with whitespace normalised (`0 6 * * 1-5`), or the macro in lower case (`@daily`).
    public let expression: String
    /// The zone whose wall clock the fields are read in.
    public let timeZone: TimeZone
    /// The zone as the author named it, for `description`: Foundation reports `UTC` as `GMT`.
    private let timeZoneName: String

    let minutes: CronField
    let hours: CronField
    let daysOfMonth: CronField
    let months: CronField
    let daysOfWeek: CronField

    /// Parses `expression` (5 fields or a macro) for the IANA zone named `timeZone` (`Europe/Berlin`, `UTC`).
    /// Throws with a message naming the field and the bad text, and for dates that can never exist (`0 0 30 2 *`).
    public init(parsing expression: String, timeZone: String) throws(CronError) {
        let text = expression.trimmingCharacters(in: .whitespacesAndNewlines)
        let (normalized, fields) = try Self.fieldTexts(of: text)
        minutes = try CronField(parsing: fields[0], kind: .minute)
        hours = try CronField(parsing: fields[1], kind: .hour)
        daysOfMonth = try CronField(parsing: fields[2], kind: .dayOfMonth)
        months = try CronField(parsing: fields[3], kind: .month)
        daysOfWeek = try CronField(parsing: fields[4], kind: .dayOfWeek)
        guard let zone = TimeZone(identifier: timeZone) else { throw CronError.unknownTimeZone(timeZone) }
        self.expression = normalized
        self.timeZone = zone
        self.timeZoneName = timeZone
        try checkCanMatch(text)
    }

    /// `0 6 * * 1-5 (Europe/Berlin)`.
    public var description: String {
        "\(expression) (\(timeZoneName))"
    }

    /// The first scheduled instant strictly after `date`, following the daylight-saving rules in the type's documentation.
    /// `nil` only if nothing matches within 400 years (the Gregorian calendar's full cycle, so: never), which the
    /// parse-time check rules out, or for dates beyond ±30,000 years.
    public func next(after date: Date) -> Date? {
        guard let after = Self.wholeSeconds(date) else { return nil }
        var candidate = Self.floorDivide(after + offset(at: after), by: 60) + 1
        let lastDay = Self.floorDivide(candidate, by: Self.minutesPerDay) + Self.searchHorizonDays
        while let localMinute = firstLocalMatch(atOrAfter: candidate, throughDay: lastDay) {
            let instant = instant(forLocalSeconds: localMinute * 60)
            // Only when `date` lies in the second pass of a repeated hour can a later reading resolve to an earlier
            // instant (its first occurrence); those already ran, so keep walking.
            if instant > after {
                return Date(timeIntervalSince1970: TimeInterval(instant))
            }
            candidate = localMinute + 1
        }
        return nil
    }

    /// The scheduled instants in `(start, end]`, in order, at most `limit` of them.
    public func instants(after start: Date, through end: Date, limit: Int) -> [Date] {
        var result: [Date] = []
        var cursor = start
        while result.count < limit, let instant = next(after: cursor), instant <= end {
            result.append(instant)
            cursor = instant
        }
        return result
    }
}

// MARK: - Parsing

extension CronSchedule {
    private static let fieldNames = CronField.Kind.allCases.map(\.name).joined(separator: " ")

    private static let macros: KeyValuePairs<String, String> = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    /// The longest each month can be (February in a leap year), for the "never matches" check.
    private static let longestMonths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

    /// The normalised expression and its five field texts, expanding a macro.
    private static func fieldTexts(of text: String) throws(CronError) -> (String, [Substring]) {
        let words = text.split(whereSeparator: \.isWhitespace)
        if let first = words.first, first.hasPrefix("@") {
            let macro = first.lowercased()
            guard let fields = macros.first(where: { $0.key == macro })?.value else {
                throw CronError.unknownMacro(String(first), known: macros.map(\.key))
            }
            guard words.count == 1 else { throw CronError("cron expression '\(text)': the macro '\(first)' must stand alone") }
            return (macro, fields.split(separator: " "))
        }
        guard words.count == 5 else {
            guard !words.isEmpty else {
                throw CronError("cron expression is empty; give 5 fields: \(fieldNames), or a macro such as @daily")
            }
            let counted = words.count == 1 ? "1 field" : "\(words.count) fields"
            let extra = words.count > 5 ? " (seconds and years are not supported)" : ""
            throw CronError("cron expression '\(text)' has \(counted); give 5: \(fieldNames)\(extra)")
        }
        return (words.joined(separator: " "), words)
    }

    /// Rejects day-of-month values past the end of every chosen month (`0 0 30 2 *`), which would never run.
    /// Any day that exists does occur on every weekday over the years, so nothing else can make a schedule empty.
    private func checkCanMatch(_ text: String) throws(CronError) {
        // With both day fields restricted a weekday alone selects a day, and every weekday occurs in every month.
        guard !(daysOfMonth.isRestricted && daysOfWeek.isRestricted) else { return }
        let chosen = (1...12).filter(months.contains)
        let longest = chosen.map { Self.longestMonths[$0 - 1] }.max() ?? 0
        guard let firstDay = daysOfMonth.first(atOrAfter: 1), firstDay > longest else { return }
        let names = chosen.map { Self.monthNames[$0 - 1] }
        let listed = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
        let verb = names.count == 1 ? "has" : "have"
        let days = daysOfMonth.values.nonzeroBitCount == 1 ? "day \(firstDay)" : "day \(firstDay) or later"
        throw CronError("cron expression '\(text)' never matches: \(listed) \(verb) no \(days)")
    }
}

// MARK: - Walking the local calendar

extension CronSchedule {
    private static let minutesPerDay = 1440
    private static let secondsPerDay = 86_400
    /// 400 Gregorian years repeat exactly (146,097 days, a whole number of weeks), so a search this long is exhaustive;
    /// it stays cheap because whole months and days are skipped, never minute by minute.
    private static let searchHorizonDays = 146_097 + 7

    /// The first matching local minute (counted from 1970-01-01 00:00 wall-clock time) at or after `start`.
    private func firstLocalMatch(atOrAfter start: Int, throughDay lastDay: Int) -> Int? {
        var day = Self.floorDivide(start, by: Self.minutesPerDay)
        var earliest = start - day * Self.minutesPerDay
        while day <= lastDay {
            let date = CivilDate(daysSinceEpoch: day)
            guard months.contains(date.month) else {
                day = firstDayOfNextChosenMonth(after: date)
                earliest = 0
                continue
            }
            if dayMatches(date, weekday: CivilDate.weekday(daysSinceEpoch: day)), let minute = firstTime(atOrAfter: earliest) {
                return day * Self.minutesPerDay + minute
            }
            day += 1
            earliest = 0
        }
        return nil
    }

    /// Day 1 of the next chosen month after `date`'s month, possibly in the following year.
    private func firstDayOfNextChosenMonth(after date: CivilDate) -> Int {
        if let month = months.first(atOrAfter: date.month + 1), month <= 12 {
            return CivilDate(year: date.year, month: month, day: 1).daysSinceEpoch
        }
        return CivilDate(year: date.year + 1, month: months.first(atOrAfter: 1) ?? 1, day: 1).daysSinceEpoch
    }

    private func dayMatches(_ date: CivilDate, weekday: Int) -> Bool {
        let byDay = daysOfMonth.contains(date.day)
        let byWeekday = daysOfWeek.contains(weekday)
        // Vixie cron: two restrictions widen each other; a field starting with `*` only narrows the other.
        return daysOfMonth.isRestricted && daysOfWeek.isRestricted ? byDay || byWeekday : byDay && byWeekday
    }

    /// The first matching minute of the day at or after `minuteOfDay`, if any is left today.
    private func firstTime(atOrAfter minuteOfDay: Int) -> Int? {
        var hour = minuteOfDay / 60
        var minute = minuteOfDay % 60
        while let matchingHour = hours.first(atOrAfter: hour) {
            if matchingHour != hour {
                minute = 0
            }
            if let matchingMinute = minutes.first(atOrAfter: minute) {
                return matchingHour * 60 + matchingMinute
            }
            hour = matchingHour + 1
            minute = 0
        }
        return nil
    }
}

// MARK: - From wall-clock time to instants

extension CronSchedule {
    /// The instant a wall-clock reading stands for (seconds since 1970 both): its only or first occurrence, or for a
    /// reading skipped by a gap the instant the gap ends. The mapping never decreases as `local` grows, which is what
    /// keeps `next(after:)` monotonic.
    private func instant(forLocalSeconds local: Int) -> Int {
        // Every instant that reads `local` lies within 14 hours of it, so offsets a day either side bracket them all.
        let before = offset(at: local - Self.secondsPerDay)
        let after = offset(at: local + Self.secondsPerDay)
        // Transitions are months apart, so equal offsets mean the reading exists exactly once (the usual case).
        if before == after {
            return local - before
        }
        let occurrences = [local - before, local - after].filter { offset(at: $0) == local - $0 }
        if let first = occurrences.min() {
            return first
        }
        return gapEnd(reading: local, from: local - max(before, after), to: local - min(before, after))
    }

    /// Binary search for the first instant whose wall clock reads past `local`, i.e. the end of the gap `local` is in.
    /// The clock at `low` reads before `local` and at `high` after it, and only jumps forward in between.
    private func gapEnd(reading local: Int, from low: Int, to high: Int) -> Int {
        var low = low
        var high = high
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if middle + offset(at: middle) >= local {
                high = middle
            } else {
                low = middle
            }
        }
        return high
    }

    /// The zone's offset from UTC in seconds at the instant `seconds` after 1970.
    private func offset(at seconds: Int) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// `date` rounded down to whole seconds; `nil` when not finite or beyond ±30,000 years, where no schedule
    /// means anything and integer conversion could trap.
    private static func wholeSeconds(_ date: Date) -> Int? {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite, abs(seconds) < 1e12 else { return nil }
        return Int(seconds)
    }

    private static func floorDivide(_ value: Int, by divisor: Int) -> Int {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? quotient - 1 : quotient
    }
}

// MARK: - Proleptic Gregorian dates

extension CronSchedule {
    /// A calendar date without a zone; conversions after Howard Hinnant's `days_from_civil` / `civil_from_days`,
    /// which are exact for any year and cost a few integer operations (Foundation's Calendar is far slower per day).
    fileprivate struct CivilDate {
        var year: Int
        var month: Int
        var day: Int

        init(year: Int, month: Int, day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }

        init(daysSinceEpoch days: Int) {
            let shifted = days + 719_468
            let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
            let dayOfEra = shifted - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let shiftedMonth = (5 * dayOfYear + 2) / 153
            day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
            month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
            year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        }

        /// Days since 1970-01-01.
        var daysSinceEpoch: Int {
            // Counting years from March puts the leap day last, so month lengths follow a simple formula.
            let marchYear = month <= 2 ? year - 1 : year
            let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
            let yearOfEra = marchYear - era * 400
            let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            return era * 146_097 + dayOfEra - 719_468
        }

        /// 0 for Sunday through 6 for Saturday; 1970-01-01 was a Thursday.
        static func weekday(daysSinceEpoch days: Int) -> Int {
            ((days % 7) + 7 + 4) % 7
        }
    }
}
