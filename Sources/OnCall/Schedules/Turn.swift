import Foundation

/// How long each participant of a rotation is on call before the next one takes over.
///
/// Day-based turns hand off at the same wall-clock time in the schedule's time zone, so a `daily` turn across a
/// spring-forward change lasts 23 real hours and a 09:00 handoff stays at 09:00. Hour-based turns count real
/// elapsed hours, because "12 hours on call" is about how long someone carries the pager, not about the clock.
public enum Turn: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// N calendar days (`daily` is 1, `weekly` is 7, `3d` is 3).
    case days(Int)
    /// N real hours (`12h`).
    case hours(Int)

    /// Reads `daily`, `weekly`, `Nd` or `Nh` (N from 1); `nil` for anything else.
    public init?(parsing text: String) {
        switch text {
        case "daily": self = .days(1)
        case "weekly": self = .days(7)
        default:
            guard let unit = text.last, let count = Int(text.dropLast()), count > 0, count <= 10_000 else { return nil }
            switch unit {
            case "d": self = .days(count)
            case "h": self = .hours(count)
            case "w": self = .days(count * 7)
            default: return nil
            }
        }
    }

    /// `daily`, `weekly`, `3d`, `12h`.
    public var description: String {
        switch self {
        case .days(1): "daily"
        case .days(7): "weekly"
        case .days(let count): "\(count)d"
        case .hours(let count): "\(count)h"
        }
    }

    /// The start of turn number `index` (0 is the rotation's start), on `calendar`'s wall clock for day turns.
    func handoff(_ index: Int, from start: Date, calendar: Calendar) -> Date {
        switch self {
        case .days(let count):
            // Adding days (not 86,400 s) is what keeps the handoff on the same local time across DST changes.
            calendar.date(byAdding: .day, value: index * count, to: start) ?? start
        case .hours(let count):
            start.addingTimeInterval(Double(index * count) * 3600)
        }
    }

    /// The number of the turn that contains `date` (negative before the start).
    func index(containing date: Date, from start: Date, calendar: Calendar) -> Int {
        let nominal: Double = switch self {
        case .days(let count): Double(count) * 86_400
        case .hours(let count): Double(count) * 3600
        }
        // The nominal length is off by at most an hour per DST change, so the guess is at most a turn or two away.
        var index = Int((date.timeIntervalSince(start) / nominal).rounded(.down))
        // Bounded so that a calendar that cannot add days (it returns `nil`, read as `start`) cannot spin forever.
        for _ in 0..<64 where handoff(index, from: start, calendar: calendar) > date {
            index -= 1
        }
        for _ in 0..<64 where handoff(index + 1, from: start, calendar: calendar) <= date {
            index += 1
        }
        return index
    }
}
