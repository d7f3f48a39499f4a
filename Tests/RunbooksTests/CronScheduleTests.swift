import Foundation
import Testing
import Runbooks

@Suite struct CronScheduleTests {
    // MARK: Helpers (members, so they cannot clash with the test target's free functions)

    /// Parses `2027-03-28T01:00Z`-style UTC text; seconds are optional.
    private static func utc(_ text: String) throws -> Date {
        let full = text.count == 17 ? text.replacingOccurrences(of: "Z", with: ":00Z") : text
        return try Date(full, strategy: .iso8601)
    }

    /// Instants as `2027-03-28T01:00Z` text, so a failure shows readable times.
    private static func format(_ dates: [Date]) -> [String] {
        dates.map { $0.formatted(.iso8601).replacingOccurrences(of: ":00Z", with: "Z") }
    }

    /// The instants of `cron` in `zone` in `(after, through]`, formatted.
    private static func runs(_ cron: String, _ zone: String = "UTC", after: String, through: String, limit: Int = 100) throws -> [String] {
        let schedule = try CronSchedule(parsing: cron, timeZone: zone)
        return format(schedule.instants(after: try utc(after), through: try utc(through), limit: limit))
    }

    /// The first `count` instants of `cron` after `after`.
    private static func first(_ count: Int, of cron: String, _ zone: String = "UTC", after: String) throws -> [String] {
        try runs(cron, zone, after: after, through: "2200-01-01T00:00Z", limit: count)
    }

    /// The message `cron` (in `zone`) is rejected with, or nil when it parses.
    private static func error(_ cron: String, _ zone: String = "UTC") -> String? {
        do {
            _ = try CronSchedule(parsing: cron, timeZone: zone)
            return nil
        } catch {
            return error.message
        }
    }

    // MARK: Field syntax

    @Test func wildcardsNumbersListsAndRanges() throws {
        #expect(try Self.first(3, of: "* * * * *", after: "2027-01-04T10:00Z")
            == ["2027-01-04T10:01Z", "2027-01-04T10:02Z", "2027-01-04T10:03Z"])
        #expect(try Self.first(3, of: "30 9 * * *", after: "2027-01-04T10:00Z")
            == ["2027-01-05T09:30Z", "2027-01-06T09:30Z", "2027-01-07T09:30Z"])
        #expect(try Self.first(3, of: "0 1,15 * * *", after: "2027-01-04T10:00Z")
            == ["2027-01-04T15:00Z", "2027-01-05T01:00Z", "2027-01-05T15:00Z"])
        #expect(try Self.first(4, of: "30 9 1-3 * *", after: "2027-01-04T00:00Z")
            == ["2027-02-01T09:30Z", "2027-02-02T09:30Z", "2027-02-03T09:30Z", "2027-03-01T09:30Z"])
        #expect(try Self.first(3, of: "0 0 1 2-3,11 *", after: "2027-01-04T00:00Z")
            == ["2027-02-01T00:00Z", "2027-03-01T00:00Z", "2027-11-01T00:00Z"])
        #expect(try Self.first(2, of: " 0  0\t1 1 * ", after: "2027-01-04T00:00Z") == ["2028-01-01T00:00Z", "2029-01-01T00:00Z"])
    }

    @Test func steps() throws {
        #expect(try Self.first(5, of: "*/15 * * * *", after: "2027-01-04T00:00Z")
            == ["2027-01-04T00:15Z", "2027-01-04T00:30Z", "2027-01-04T00:45Z", "2027-01-04T01:00Z", "2027-01-04T01:15Z"])
        #expect(try Self.first(6, of: "10-50/10 3 * * *", after: "2027-01-04T00:00Z")
            == ["2027-01-04T03:10Z", "2027-01-04T03:20Z", "2027-01-04T03:30Z", "2027-01-04T03:40Z", "2027-01-04T03:50Z",
                "2027-01-05T03:10Z"])
        // `5/15` is `5-59/15`.
        #expect(try Self.first(5, of: "5/15 * * * *", after: "2027-01-04T00:00Z")
            == ["2027-01-04T00:05Z", "2027-01-04T00:20Z", "2027-01-04T00:35Z", "2027-01-04T00:50Z", "2027-01-04T01:05Z"])
        #expect(try Self.first(3, of: "0 */8 * * *", after: "2027-01-04T00:00Z")
            == ["2027-01-04T08:00Z", "2027-01-04T16:00Z", "2027-01-05T00:00Z"])
        #expect(try Self.first(3, of: "0 0 1 */4 *", after: "2027-01-04T00:00Z")
            == ["2027-05-01T00:00Z", "2027-09-01T00:00Z", "2028-01-01T00:00Z"])
        // A step may follow a range in a list.
        #expect(try Self.first(4, of: "0,50-59/5 0 * * *", after: "2027-01-03T23:00Z")
            == ["2027-01-04T00:00Z", "2027-01-04T00:50Z", "2027-01-04T00:55Z", "2027-01-05T00:00Z"])
    }

    @Test func monthAndWeekdayNamesInAnyCase() throws {
        #expect(try Self.first(2, of: "0 0 1 jan,JUL *", after: "2027-01-04T00:00Z") == ["2027-07-01T00:00Z", "2028-01-01T00:00Z"])
        #expect(try Self.first(2, of: "0 0 1 Mar-apr *", after: "2027-01-04T00:00Z") == ["2027-03-01T00:00Z", "2027-04-01T00:00Z"])
        // 2027-01-08 is a Friday.
        #expect(try Self.first(3, of: "0 12 * * mon-fri", after: "2027-01-08T00:00Z")
            == ["2027-01-08T12:00Z", "2027-01-11T12:00Z", "2027-01-12T12:00Z"])
        #expect(try Self.runs("0 12 * * MON-FRI", after: "2027-01-08T00:00Z", through: "2027-01-13T00:00Z")
            == Self.runs("0 12 * * 1-5", after: "2027-01-08T00:00Z", through: "2027-01-13T00:00Z"))
    }

    @Test func sundayIsZeroOrSeven() throws {
        let window = (after: "2027-01-01T00:00Z", through: "2027-01-31T23:59Z")
        let sundays = ["2027-01-03T00:00Z", "2027-01-10T00:00Z", "2027-01-17T00:00Z", "2027-01-24T00:00Z", "2027-01-31T00:00Z"]
        for cron in ["0 0 * * 0", "0 0 * * 7", "0 0 * * sun", "0 0 * * SUN", "0 0 * * 0,7"] {
            #expect(try Self.runs(cron, after: window.after, through: window.through) == sundays, "\(cron)")
        }
        // Ranges may end on Sunday from either side: 5-7 and sat-sun.
        #expect(try Self.first(3, of: "0 0 * * 5-7", after: "2027-01-01T00:00Z")
            == ["2027-01-02T00:00Z", "2027-01-03T00:00Z", "2027-01-08T00:00Z"])
        #expect(try Self.first(3, of: "0 0 * * sat-sun", after: "2027-01-01T00:00Z")
            == ["2027-01-02T00:00Z", "2027-01-03T00:00Z", "2027-01-09T00:00Z"])
    }

    // MARK: Day-of-month and day-of-week (Vixie cron)

    @Test func bothDayFieldsRestrictedMeansEither() throws {
        // The 13th (a Wednesday in January 2027) or any Friday.
        #expect(try Self.first(5, of: "0 0 13 * 5", after: "2027-01-01T00:00Z")
            == ["2027-01-08T00:00Z", "2027-01-13T00:00Z", "2027-01-15T00:00Z", "2027-01-22T00:00Z", "2027-01-29T00:00Z"])
        #expect(try Self.first(3, of: "0 0 1,15 * mon", after: "2027-01-01T00:00Z")
            == ["2027-01-04T00:00Z", "2027-01-11T00:00Z", "2027-01-15T00:00Z"])
    }

    @Test func aStarredDayFieldOnlyNarrows() throws {
        #expect(try Self.first(2, of: "0 0 13 * *", after: "2027-01-01T00:00Z") == ["2027-01-13T00:00Z", "2027-02-13T00:00Z"])
        #expect(try Self.first(2, of: "0 0 * * 5", after: "2027-01-01T00:00Z") == ["2027-01-08T00:00Z", "2027-01-15T00:00Z"])
        // `*/2` starts with `*`, so it does not widen: odd days that are also Mondays (Jan 11, Jan 25, Feb 1).
        #expect(try Self.first(3, of: "0 0 */2 * mon", after: "2027-01-01T00:00Z")
            == ["2027-01-11T00:00Z", "2027-01-25T00:00Z", "2027-02-01T00:00Z"])
    }

    // MARK: Macros

    @Test func macrosExpandToTheirFields() throws {
        let expansions = [
            "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
            "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
        ]
        for (macro, fields) in expansions {
            #expect(try Self.first(5, of: macro, "Europe/Berlin", after: "2027-01-01T00:00Z")
                == Self.first(5, of: fields, "Europe/Berlin", after: "2027-01-01T00:00Z"), "\(macro)")
        }
        let weekly = try CronSchedule(parsing: "@WEEKLY", timeZone: "UTC")
        #expect(weekly.expression == "@weekly")
        // Described with the zone name as written: Foundation reports "UTC" as "GMT".
        #expect(weekly.description == "@weekly (UTC)")
        #expect(try Self.first(1, of: "@weekly", after: "2027-01-01T00:00Z") == ["2027-01-03T00:00Z"])
    }

    // MARK: Errors

    @Test func errorMessagesNameTheFieldAndText() {
        #expect(Self.error("0 25 * * *") == "cron field 2 (hour) '25': out of range 0-23")
        #expect(Self.error("0 6 * *") == "cron expression '0 6 * *' has 4 fields; give 5: minute hour day-of-month month day-of-week")
        #expect(Self.error("0 6 * * 1-5", "Europe/Berln") == "unknown time zone 'Europe/Berln' (did you mean 'Europe/Berlin'?)")
        #expect(Self.error("0 0 30 2 *") == "cron expression '0 0 30 2 *' never matches: February has no day 30")
        #expect(Self.error("@reboot")
            == "cron macro '@reboot' is not supported: runbooks run on a clock schedule, not when the server starts")
        #expect(Self.error("*/0 * * * *") == "cron field 1 (minute) '*/0': step must be at least 1")
        #expect(Self.error("0 22-2 * * *") == "cron field 2 (hour) '22-2': range runs backwards; ranges do not wrap around, so write 22-23,0-2")
        #expect(Self.error("0 0 * * monday") == "cron field 5 (day-of-week) 'monday': not a number or day name (sun-sat) (did you mean 'mon'?)")
        #expect(Self.error("@dialy")
            == "unknown cron macro '@dialy' (did you mean '@daily'?); use one of @hourly @daily @midnight @weekly @monthly @yearly @annually")
    }

    @Test func everyKindOfMistakeIsRejectedWithItsLocation() {
        let cases: [(cron: String, start: String)] = [
            ("60 * * * *", "cron field 1 (minute) '60': out of range 0-59"),
            ("0 0 0 * *", "cron field 3 (day-of-month) '0': out of range 1-31"),
            ("0 0 32 * *", "cron field 3 (day-of-month) '32': out of range 1-31"),
            ("0 0 * 13 *", "cron field 4 (month) '13': out of range 1-12"),
            ("0 0 * 0 *", "cron field 4 (month) '0': out of range 1-12"),
            ("0 0 * * 8", "cron field 5 (day-of-week) '8': out of range 0-7"),
            ("0 0 * foo *", "cron field 4 (month) 'foo': not a number or month name (jan-dec)"),
            ("x * * * *", "cron field 1 (minute) 'x': not a number"),
            ("0 mon * * *", "cron field 2 (hour) 'mon': not a number"),
            ("1,,2 * * * *", "cron field 1 (minute) '1,,2': empty list item"),
            ("1-2-3 * * * *", "cron field 1 (minute) '1-2-3': not a value, range or step"),
            ("-5 * * * *", "cron field 1 (minute) '-5': not a value, range or step"),
            ("*-5 * * * *", "cron field 1 (minute) '*-5': not a value, range or step"),
            ("*/5/2 * * * *", "cron field 1 (minute) '*/5/2': not a value, range or step"),
            ("*/x * * * *", "cron field 1 (minute) '*/x': step 'x' is not a number"),
            ("*/60 * * * *", "cron field 1 (minute) '*/60': step 60 is larger than the field allows (at most 59)"),
            ("0 0 * * fri-mon", "cron field 5 (day-of-week) 'fri-mon': range runs backwards"),
            ("99999999999999999999 * * * *", "cron field 1 (minute) '99999999999999999999': out of range 0-59"),
            ("0 0 * * * *", "cron expression '0 0 * * * *' has 6 fields; give 5: minute hour day-of-month month day-of-week (seconds"),
            ("5", "cron expression '5' has 1 field; give 5"),
            ("   ", "cron expression is empty; give 5 fields"),
            ("@daily 5", "cron expression '@daily 5': the macro '@daily' must stand alone"),
            ("@every 5m", "unknown cron macro '@every'; use one of @hourly"),
        ]
        for (cron, start) in cases {
            let message = Self.error(cron)
            #expect(message?.hasPrefix(start) == true, "\(cron): \(message ?? "parsed")")
        }
    }

    @Test func datesThatNeverExistAreRejected() {
        #expect(Self.error("0 0 31 4 *") == "cron expression '0 0 31 4 *' never matches: April has no day 31")
        #expect(Self.error("0 0 31 feb,apr,jun *") == "cron expression '0 0 31 feb,apr,jun *' never matches: February, April and June have no day 31")
        #expect(Self.error("0 0 30,31 2 *") == "cron expression '0 0 30,31 2 *' never matches: February has no day 30 or later")
        // A starred weekday only narrows, so it cannot rescue the date.
        #expect(Self.error("0 0 31 4 */2") == "cron expression '0 0 31 4 */2' never matches: April has no day 31")
        // Rare but real, or rescued by the weekday: these parse.
        #expect(Self.error("0 0 29 2 *") == nil)
        #expect(Self.error("0 0 31 2,3 *") == nil)
        #expect(Self.error("0 0 31 4 mon") == nil)
    }

    @Test func unknownTimeZonesAreRejectedWithASuggestion() {
        #expect(Self.error("@daily", "berlin") == "unknown time zone 'berlin' (did you mean 'Europe/Berlin'?)")
        #expect(Self.error("@daily", "america/new_york") == "unknown time zone 'america/new_york' (did you mean 'America/New_York'?)")
        #expect(Self.error("@daily", "Mars/Olympus_Mons") == "unknown time zone 'Mars/Olympus_Mons' (use an IANA name such as Europe/Berlin or UTC)")
        #expect(Self.error("@daily", "") == "unknown time zone '' (use an IANA name such as Europe/Berlin or UTC)")
    }

    // MARK: Value semantics

    @Test func expressionDescriptionAndEquality() throws {
        let schedule = try CronSchedule(parsing: "0   6 * *  1-5 ", timeZone: "Europe/Berlin")
        #expect(schedule.expression == "0 6 * * 1-5")
        #expect(schedule.timeZone.identifier == "Europe/Berlin")
        #expect(schedule.description == "0 6 * * 1-5 (Europe/Berlin)")
        #expect(schedule == (try CronSchedule(parsing: "0 6 * * 1-5", timeZone: "Europe/Berlin")))
        #expect(schedule != (try CronSchedule(parsing: "0 6 * * 1-5", timeZone: "UTC")))
        #expect(schedule != (try CronSchedule(parsing: "0 7 * * 1-5", timeZone: "Europe/Berlin")))
        let set: Set = [schedule, try CronSchedule(parsing: "0 6 * * 1-5", timeZone: "Europe/Berlin")]
        #expect(set.count == 1)
    }

    // MARK: next and instants

    @Test func nextIsStrictlyAfterEvenWithFractionalSeconds() throws {
        let hourly = try CronSchedule(parsing: "0 * * * *", timeZone: "UTC")
        #expect(Self.format([try #require(hourly.next(after: try Self.utc("2027-01-01T00:00Z")))]) == ["2027-01-01T01:00Z"])
        let justBefore = try Self.utc("2027-01-01T00:59:59Z").addingTimeInterval(0.5)
        #expect(Self.format([try #require(hourly.next(after: justBefore))]) == ["2027-01-01T01:00Z"])
        let justAfter = try Self.utc("2027-01-01T01:00Z").addingTimeInterval(0.25)
        #expect(Self.format([try #require(hourly.next(after: justAfter))]) == ["2027-01-01T02:00Z"])
    }

    @Test func instantsRespectLimitAndBounds() throws {
        let hourly = try CronSchedule(parsing: "0 * * * *", timeZone: "UTC")
        let start = try Self.utc("2027-01-01T00:00Z")
        let end = try Self.utc("2027-01-01T05:00Z")
        // Start excluded, end included.
        #expect(Self.format(hourly.instants(after: start, through: end, limit: 10))
            == ["2027-01-01T01:00Z", "2027-01-01T02:00Z", "2027-01-01T03:00Z", "2027-01-01T04:00Z", "2027-01-01T05:00Z"])
        #expect(Self.format(hourly.instants(after: start, through: end, limit: 3))
            == ["2027-01-01T01:00Z", "2027-01-01T02:00Z", "2027-01-01T03:00Z"])
        #expect(hourly.instants(after: start, through: end, limit: 0).isEmpty)
        #expect(hourly.instants(after: start, through: end, limit: -1).isEmpty)
        #expect(hourly.instants(after: end, through: start, limit: 10).isEmpty)
        #expect(hourly.instants(after: start, through: start.addingTimeInterval(3599), limit: 10).isEmpty)
    }

    @Test func utcAndYearBoundary() throws {
        #expect(try Self.first(2, of: "0 0 1 1 *", after: "2027-12-31T12:00Z") == ["2028-01-01T00:00Z", "2029-01-01T00:00Z"])
        #expect(try Self.first(1, of: "59 23 31 12 *", after: "2027-12-31T23:58Z") == ["2027-12-31T23:59Z"])
        #expect(try Self.first(1, of: "59 23 31 12 *", after: "2027-12-31T23:59Z") == ["2028-12-31T23:59Z"])
        // Midnight on New Year in Berlin is 23:00 UTC the day before.
        #expect(try Self.first(1, of: "@yearly", "Europe/Berlin", after: "2027-12-31T12:00Z") == ["2027-12-31T23:00Z"])
        // Before 1970 too (negative timestamps).
        #expect(try Self.first(2, of: "0 0 1 1 *", after: "1969-06-01T00:00Z") == ["1970-01-01T00:00Z", "1971-01-01T00:00Z"])
        // Zones ahead of UTC cross the year boundary first.
        #expect(try Self.first(1, of: "0 0 1 1 *", "Pacific/Auckland", after: "2027-06-01T00:00Z") == ["2027-12-31T11:00Z"])
    }

    @Test func leapDay() throws {
        #expect(try Self.first(2, of: "0 0 29 2 *", after: "2027-03-01T00:00Z") == ["2028-02-29T00:00Z", "2032-02-29T00:00Z"])
        #expect(try Self.first(1, of: "0 0 29 2 *", "Europe/Berlin", after: "2027-03-01T00:00Z") == ["2028-02-28T23:00Z"])
        // 2100 is not a leap year: eight years to wait, still found.
        #expect(try Self.first(1, of: "0 0 29 2 *", after: "2096-03-01T00:00Z") == ["2104-02-29T00:00Z"])
        // A leap day on a weekend (`*/6` is Sunday and Saturday, and being starred it narrows): 16 years apart.
        #expect(try Self.first(3, of: "0 0 29 2 */6", after: "2027-03-01T00:00Z")
            == ["2032-02-29T00:00Z", "2048-02-29T00:00Z", "2060-02-29T00:00Z"])
    }

    @Test func searchingIsFast() throws {
        let clock = ContinuousClock()
        let leap = try CronSchedule(parsing: "0 0 29 2 *", timeZone: "Europe/Berlin")
        let rare = try CronSchedule(parsing: "0 0 29 2 */6", timeZone: "Europe/Berlin")
        let start = try Self.utc("2027-03-01T00:00Z")
        let elapsed = clock.measure {
            for _ in 0..<100 {
                _ = leap.next(after: start)
                _ = rare.next(after: start)
            }
        }
        #expect(elapsed < .milliseconds(500), "200 searches took \(elapsed)")
    }

    // MARK: Daylight saving time

    @Test func dailyJobInTheSpringForwardGapRunsAtTheGapsEnd() throws {
        // Europe/Berlin, 2027-03-28: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
        #expect(try Self.runs("30 2 * * *", "Europe/Berlin", after: "2027-03-26T12:00Z", through: "2027-03-30T00:00Z")
            == ["2027-03-27T01:30Z", "2027-03-28T01:00Z", "2027-03-29T00:30Z"])
        // America/New_York, 2027-03-14: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
        #expect(try Self.runs("30 2 * * *", "America/New_York", after: "2027-03-12T12:00Z", through: "2027-03-16T00:00Z")
            == ["2027-03-13T07:30Z", "2027-03-14T07:00Z", "2027-03-15T06:30Z"])
    }

    @Test func dailyJobInTheRepeatedHourRunsOnceAtTheFirstOccurrence() throws {
        // Europe/Berlin, 2027-10-31: 03:00 CEST falls back to 02:00 CET; 02:30 is 00:30 UTC, then again 01:30 UTC.
        #expect(try Self.runs("30 2 * * *", "Europe/Berlin", after: "2027-10-29T12:00Z", through: "2027-11-02T00:00Z")
            == ["2027-10-30T00:30Z", "2027-10-31T00:30Z", "2027-11-01T01:30Z"])
        // America/New_York, 2027-11-07: 02:00 EDT falls back to 01:00 EST; 01:30 is 05:30 UTC, then again 06:30 UTC.
        #expect(try Self.runs("30 1 * * *", "America/New_York", after: "2027-11-05T12:00Z", through: "2027-11-09T00:00Z")
            == ["2027-11-06T05:30Z", "2027-11-07T05:30Z", "2027-11-08T06:30Z"])
        // 02:30 is not repeated in New York; it simply moves from EDT to EST.
        #expect(try Self.runs("30 2 * * *", "America/New_York", after: "2027-11-05T12:00Z", through: "2027-11-09T00:00Z")
            == ["2027-11-06T06:30Z", "2027-11-07T07:30Z", "2027-11-08T07:30Z"])
    }

    @Test func hourlyJobOnTransitionDays() throws {
        let berlin = try CronSchedule(parsing: "0 * * * *", timeZone: "Europe/Berlin")
        // The local day of 2027-03-28 has 23 hours: 02:00 (skipped) and 03:00 are the same instant, run once.
        let spring = berlin.instants(after: try Self.utc("2027-03-27T22:30Z"), through: try Self.utc("2027-03-28T21:30Z"), limit: 100)
        #expect(spring.count == 23)
        #expect(Self.format(Array(spring.prefix(4))) == ["2027-03-27T23:00Z", "2027-03-28T00:00Z", "2027-03-28T01:00Z", "2027-03-28T02:00Z"])
        #expect(Self.gaps(spring).allSatisfy { $0 == 3600 })
        // The local day of 2027-10-31 has 25 hours but 24 readings; the second 02:00 (01:00 UTC) does not run.
        let autumn = berlin.instants(after: try Self.utc("2027-10-30T21:30Z"), through: try Self.utc("2027-10-31T22:30Z"), limit: 100)
        #expect(autumn.count == 24)
        #expect(Self.format(Array(autumn[1...4])) == ["2027-10-30T23:00Z", "2027-10-31T00:00Z", "2027-10-31T02:00Z", "2027-10-31T03:00Z"])
        #expect(Self.gaps(autumn).filter { $0 != 3600 } == [7200])

        let newYork = try CronSchedule(parsing: "0 * * * *", timeZone: "America/New_York")
        let nySpring = newYork.instants(after: try Self.utc("2027-03-14T04:30Z"), through: try Self.utc("2027-03-15T03:30Z"), limit: 100)
        #expect(nySpring.count == 23)
        #expect(Self.format(Array(nySpring[1...3])) == ["2027-03-14T06:00Z", "2027-03-14T07:00Z", "2027-03-14T08:00Z"])
        // 01:00 runs at its first occurrence (EDT, 05:00 UTC) only; 01:00 EST (06:00 UTC) does not.
        let nyAutumn = newYork.instants(after: try Self.utc("2027-11-07T03:30Z"), through: try Self.utc("2027-11-08T04:30Z"), limit: 100)
        #expect(nyAutumn.count == 24)
        #expect(Self.format(Array(nyAutumn[0...2])) == ["2027-11-07T04:00Z", "2027-11-07T05:00Z", "2027-11-07T07:00Z"])
    }

    @Test func quarterHourlyJobInsideTheGapCollapsesToOneRun() throws {
        #expect(try Self.runs("*/15 2 * * *", "Europe/Berlin", after: "2027-03-27T00:00Z", through: "2027-03-29T23:00Z") == [
            "2027-03-27T01:00Z", "2027-03-27T01:15Z", "2027-03-27T01:30Z", "2027-03-27T01:45Z",
            "2027-03-28T01:00Z",
            "2027-03-29T00:00Z", "2027-03-29T00:15Z", "2027-03-29T00:30Z", "2027-03-29T00:45Z",
        ])
        let schedule = try CronSchedule(parsing: "*/15 2 * * *", timeZone: "Europe/Berlin")
        #expect(Self.format([try #require(schedule.next(after: try Self.utc("2027-03-28T00:59Z")))]) == ["2027-03-28T01:00Z"])
        #expect(Self.format([try #require(schedule.next(after: try Self.utc("2027-03-28T01:00Z")))]) == ["2027-03-29T00:00Z"])
        // A match at the gap's end and matches inside the gap are one run, not two.
        #expect(try Self.runs("0,30 2,3 * * *", "Europe/Berlin", after: "2027-03-28T00:00Z", through: "2027-03-28T02:00Z")
            == ["2027-03-28T01:00Z", "2027-03-28T01:30Z"])
    }

    @Test func quarterHourlyJobInTheRepeatedHourRunsOnlyInTheFirstPass() throws {
        #expect(try Self.runs("*/15 2 * * *", "Europe/Berlin", after: "2027-10-29T23:59Z", through: "2027-11-02T00:00Z") == [
            "2027-10-30T00:00Z", "2027-10-30T00:15Z", "2027-10-30T00:30Z", "2027-10-30T00:45Z",
            "2027-10-31T00:00Z", "2027-10-31T00:15Z", "2027-10-31T00:30Z", "2027-10-31T00:45Z",
            "2027-11-01T01:00Z", "2027-11-01T01:15Z", "2027-11-01T01:30Z", "2027-11-01T01:45Z",
        ])
        // Asked from inside the second pass (02:10 CET), the readings already ran; next is the following night.
        let schedule = try CronSchedule(parsing: "*/15 2 * * *", timeZone: "Europe/Berlin")
        #expect(Self.format([try #require(schedule.next(after: try Self.utc("2027-10-31T01:10Z")))]) == ["2027-11-01T01:00Z"])
        // An every-minute job therefore pauses for the repeated hour.
        let everyMinute = try CronSchedule(parsing: "* * * * *", timeZone: "Europe/Berlin")
        #expect(Self.format([try #require(everyMinute.next(after: try Self.utc("2027-10-31T00:59Z")))]) == ["2027-10-31T02:00Z"])
    }

    @Test func fixedLocalTimeStaysPutWhileUTCMoves() throws {
        #expect(try Self.runs("0 9 * * *", "Europe/Berlin", after: "2027-03-26T12:00Z", through: "2027-03-29T00:00Z")
            == ["2027-03-27T08:00Z", "2027-03-28T07:00Z"])
        #expect(try Self.runs("0 9 * * *", "Europe/Berlin", after: "2027-10-30T00:00Z", through: "2027-11-01T00:00Z")
            == ["2027-10-30T07:00Z", "2027-10-31T08:00Z"])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Europe/Berlin"))
        let schedule = try CronSchedule(parsing: "0 9 * * *", timeZone: "Europe/Berlin")
        let year = schedule.instants(after: try Self.utc("2027-01-01T00:00Z"), through: try Self.utc("2028-01-01T00:00Z"), limit: 400)
        #expect(year.count == 365)
        #expect(year.allSatisfy { calendar.component(.hour, from: $0) == 9 && calendar.component(.minute, from: $0) == 0 })
        #expect(Set(year.map { calendar.timeZone.secondsFromGMT(for: $0) }) == [3600, 7200])
    }

    @Test func iteratingNextIsStrictlyIncreasingForAYear() throws {
        let schedule = try CronSchedule(parsing: "*/7 * * * *", timeZone: "Europe/Berlin")
        let end = try Self.utc("2027-12-31T22:59Z")
        var cursor = try Self.utc("2026-12-31T22:59Z")
        var seen = 0
        var gaps: [Int: Int] = [:]
        let elapsed = try ContinuousClock().measure {
            while let next = schedule.next(after: cursor), next <= end {
                try #require(next > cursor)
                try #require(next.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0)
                if seen > 0 {
                    gaps[Int(next.timeIntervalSince(cursor)), default: 0] += 1
                }
                cursor = next
                seen += 1
            }
        }
        // 9 readings in each of the 8,760 local hours, minus the 9 of the skipped 02:00 hour, which fold into the
        // 03:00 run; the repeated hour adds none.
        #expect(seen == 9 * 8760 - 9)
        // 7 minutes apart, 4 across each hour boundary, 64 across the repeated hour (02:56 CEST to 03:00 CET).
        #expect(Set(gaps.keys) == [420, 240, 3840])
        #expect(gaps[3840] == 1)
        #expect(elapsed < .seconds(1), "a year of next() took \(elapsed)")
    }

    /// Seconds between consecutive instants.
    private static func gaps(_ dates: [Date]) -> [Int] {
        zip(dates, dates.dropFirst()).map { Int($1.timeIntervalSince($0)) }
    }
}
