import Foundation

/// A date-time as written in the on-call files: `2026-01-05T09:00`, optionally with seconds (a fraction is dropped)
/// and with `Z` or an offset such as `+01:00`.
///
/// Without an offset it is a wall-clock time, read in the time zone of the schedule it belongs to, so a rotation
/// that starts "at 09:00" means 09:00 there whatever the season.
struct LocalDateTime: Equatable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    /// Seconds east of UTC when the text gave `Z` or an offset.
    var offset: Int?

    init?(parsing text: String) {
        let scalars = Array(text.utf8)
        guard scalars.count >= 16, scalars[4] == UInt8(ascii: "-"), scalars[7] == UInt8(ascii: "-"),
              scalars[10] == UInt8(ascii: "T") || scalars[10] == UInt8(ascii: " "), scalars[13] == UInt8(ascii: ":"),
              let year = Self.number(scalars, 0, 4), let month = Self.number(scalars, 5, 2), let day = Self.number(scalars, 8, 2),
              let hour = Self.number(scalars, 11, 2), let minute = Self.number(scalars, 14, 2)
        else { return nil }
        var rest = scalars[16...]
        var second = 0
        if rest.first == UInt8(ascii: ":") {
            guard let value = Self.number(scalars, 17, 2) else { return nil }
            second = value
            rest = scalars[19...]
            // API clients often send milliseconds; the on-call model works in whole seconds.
            if rest.first == UInt8(ascii: ".") {
                rest = rest.dropFirst().drop { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            }
        }
        var offset: Int?
        guard Self.readOffset(Array(rest), into: &offset) else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
        self.offset = offset
    }

    /// The instant: at the written offset if there is one, else on the wall clock of `zone`; `nil` when neither is
    /// known or the date does not exist (February 30th).
    ///
    /// A wall-clock time skipped by a spring-forward change resolves to the time the clock shows an hour later,
    /// as Foundation's calendar does.
    func date(in zone: TimeZone?) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        guard let timeZone = offset.flatMap(TimeZone.init(secondsFromGMT:)) ?? zone else { return nil }
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components) else { return nil }
        // Foundation rolls February 30th over to March 2nd; a written date that does not exist is a mistake.
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        guard back.year == year, back.month == month, back.day == day else { return nil }
        return date
    }

    private static func number(_ scalars: [UInt8], _ start: Int, _ length: Int) -> Int? {
        guard start + length <= scalars.count else { return nil }
        var value = 0
        for scalar in scalars[start..<start + length] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(scalar) else { return nil }
            value = value * 10 + Int(scalar - UInt8(ascii: "0"))
        }
        return value
    }

    /// Reads the tail: nothing, `Z`, or `±HH:MM`; false for anything else.
    private static func readOffset(_ tail: [UInt8], into offset: inout Int?) -> Bool {
        if tail.isEmpty { return true }
        if tail == [UInt8(ascii: "Z")] {
            offset = 0
            return true
        }
        guard tail.count == 6, tail[3] == UInt8(ascii: ":"), let hours = number(tail, 1, 2), let minutes = number(tail, 4, 2), hours < 24,
              minutes < 60
        else { return false }
        let seconds = (hours * 60 + minutes) * 60
        switch tail[0] {
        case UInt8(ascii: "+"): offset = seconds
        case UInt8(ascii: "-"): offset = -seconds
        default: return false
        }
        return true
    }
}
