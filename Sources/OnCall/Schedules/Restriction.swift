import Foundation

/// A weekly window in which a rotation layer is on call, such as working hours Monday to Friday.
///
/// Outside all of a layer's restrictions the layer has nobody, so a lower layer (or the fallback) takes over.
/// Times are wall-clock times in the schedule's time zone. A window whose end is not after its start runs
/// overnight: `{ days: [fri], from: "22:00", to: "06:00" }` is Friday 22:00 to Saturday 06:00.
public struct Restriction: Sendable, Equatable, Hashable {
    /// The days on which the window starts.
    public var days: Set<Weekday>
    /// Minutes after local midnight at which the window opens.
    public var fromMinute: Int
    /// Minutes after local midnight at which the window closes (up to 1440 for `24:00`).
    public var toMinute: Int

    /// Creates a window; `fromMinute == toMinute` would be empty and is rejected by the reader.
    public init(days: Set<Weekday>, fromMinute: Int, toMinute: Int) {
        self.days = days
        self.fromMinute = fromMinute
        self.toMinute = toMinute
    }

    /// Whether the window runs past midnight into the next day.
    var isOvernight: Bool {
        toMinute <= fromMinute
    }

    /// Whether `date` falls inside the window on `calendar`'s wall clock.
    func contains(_ date: Date, calendar: Calendar) -> Bool {
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let weekday = parts.weekday.flatMap(Weekday.init(calendarWeekday:)) else { return false }
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        if isOvernight {
            return (days.contains(weekday) && minute >= fromMinute) || (days.contains(weekday.previous) && minute < toMinute)
        }
        return days.contains(weekday) && minute >= fromMinute && minute < toMinute
    }

    /// The instants on the local day starting at `dayStart` where the window opens or closes.
    func boundaries(onDayStarting dayStart: Date, calendar: Calendar) -> [Date] {
        [fromMinute, toMinute].compactMap { minute in
            var parts = calendar.dateComponents([.year, .month, .day], from: dayStart)
            parts.hour = minute / 60
            parts.minute = minute % 60
            return calendar.date(from: parts)
        }
    }

    /// Reads `"HH:MM"` (`24:00` allowed as an end) into minutes after midnight.
    static func minutes(parsing text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hours = Int(parts[0]), let minutes = Int(parts[1]), (0..<60).contains(minutes)
        else { return nil }
        guard (0..<24).contains(hours) || (hours == 24 && minutes == 0) else { return nil }
        return hours * 60 + minutes
    }
}

/// A day of the week, written `mon` to `sun` in the files.
public enum Weekday: String, Sendable, CaseIterable, Hashable {
    case mon, tue, wed, thu, fri, sat, sun

    /// From Foundation's numbering, where 1 is Sunday.
    init?(calendarWeekday: Int) {
        let order: [Weekday] = [.sun, .mon, .tue, .wed, .thu, .fri, .sat]
        guard (1...7).contains(calendarWeekday) else { return nil }
        self = order[calendarWeekday - 1]
    }

    /// The day before, for windows that run past midnight.
    var previous: Weekday {
        let all = Weekday.allCases
        return all[(all.firstIndex(of: self)! + 6) % 7]
    }
}
