import Foundation
import Testing
@testable import OnCall

/// Handoffs at DST changes: the class of bug users of other tools report most (overlaps and gaps at the change).
struct ScheduleDSTTests {
    static let changes: [(zone: String, before: String, after: String)] = [
        ("Europe/Berlin", "2026-03-25T09:00", "2026-04-02T09:00"), // spring forward on 2026-03-29
        ("Europe/Berlin", "2026-10-21T09:00", "2026-10-29T09:00"), // fall back on 2026-10-25
        ("America/New_York", "2026-03-04T09:00", "2026-03-12T09:00"), // spring forward on 2026-03-08
        ("America/New_York", "2026-10-28T09:00", "2026-11-05T09:00"), // fall back on 2026-11-01
    ]

    @Test("daily handoffs at 09:00 local stay at 09:00 across DST, without gap or overlap", arguments: 0..<4)
    func dailyHandoffs(change: Int) {
        let (zone, before, after) = Self.changes[change]
        let schedule = schedule(zone, start: "2026-01-01T09:00", turn: .days(1), participants: ["a", "b", "c"])
        let shifts = schedule.shifts(from: at(before, zone), to: at(after, zone))
        #expect(shifts.count == 8)
        for shift in shifts {
            #expect(clock(shift.start, zone) == "09:00")
            #expect(clock(shift.end, zone) == "09:00")
        }
        for (first, second) in zip(shifts, shifts.dropFirst()) {
            #expect(first.end == second.start)
            #expect(first.person != second.person)
        }
        let lengths = Set(shifts.map { $0.end.timeIntervalSince($0.start) / 3600 })
        // One day is 23 or 25 real hours: the change happened inside the range and was absorbed by one turn.
        #expect(lengths.contains(24) && lengths.count == 2 && (lengths.contains(23) || lengths.contains(25)))
        #expect(schedule.gaps(from: at(before, zone), to: at(after, zone)).isEmpty)
    }

    @Test("weekly handoffs at 09:00 local stay at 09:00 across DST", arguments: 0..<4)
    func weeklyHandoffs(change: Int) {
        let (zone, _, _) = Self.changes[change]
        let schedule = schedule(zone, start: "2026-01-05T09:00", turn: .days(7))
        let from = at(Self.changes[change].before, zone).addingTimeInterval(-14 * 86_400)
        let shifts = schedule.shifts(from: from, to: from.addingTimeInterval(35 * 86_400))
        for shift in shifts.dropFirst().dropLast() {
            #expect(clock(shift.start, zone) == "09:00")
            #expect(clock(shift.end, zone) == "09:00")
            let days = Calendar.current.dateComponents(in: TimeZone(identifier: zone)!, from: shift.start).weekday
            #expect(days == 2) // Monday, the weekday of the start
        }
        for (first, second) in zip(shifts, shifts.dropFirst()) {
            #expect(first.end == second.start)
        }
        let hours = Set(shifts.dropFirst().dropLast().map { Int($0.end.timeIntervalSince($0.start) / 3600) })
        #expect(hours.isSubset(of: [167, 168, 169]) && hours.count == 2)
    }

    @Test("who is on call follows the local handoff on the day of the change")
    func onCallAtSpringForward() {
        let schedule = schedule("Europe/Berlin", start: "2026-03-28T09:00", turn: .days(1))
        // Sunday 29 March: 09:00 CEST is 07:00 UTC. A schedule counting 24 real hours would hand off at 08:00 UTC.
        #expect(schedule.onCall(at: at("2026-03-29T06:59:59Z")) == ["a"])
        #expect(schedule.onCall(at: at("2026-03-29T07:00:00Z")) == ["b"])
        #expect(schedule.onCall(at: at("2026-03-28T08:59:59", "Europe/Berlin")) == [])
    }

    @Test("a 12h turn counts real hours, so across spring forward its local handoff moves by one hour")
    func twelveHourTurn() {
        let zone = "Europe/Berlin"
        let schedule = schedule(zone, start: "2026-03-28T21:00", turn: .hours(12))
        let shifts = schedule.shifts(from: at("2026-03-28T21:00", zone), to: at("2026-03-30T12:00", zone))
        #expect(shifts.map { clock($0.start, zone) } == ["21:00", "10:00", "22:00", "10:00"])
        for shift in shifts.dropLast() {
            #expect(shift.end.timeIntervalSince(shift.start) == 12 * 3600)
        }
        #expect(shifts.map(\.person) == ["a", "b", "a", "b"])
    }

    @Test("a 3-day turn in New York across fall back: 09:00 local, 73 real hours")
    func threeDayTurn() {
        let zone = "America/New_York"
        let schedule = schedule(zone, start: "2026-10-30T09:00", turn: .days(3))
        let shifts = schedule.shifts(from: at("2026-10-30T09:00", zone), to: at("2026-11-05T09:00", zone))
        #expect(shifts.count == 2)
        #expect(shifts[0].end.timeIntervalSince(shifts[0].start) == 73 * 3600)
        #expect(shifts.allSatisfy { clock($0.start, zone) == "09:00" && clock($0.end, zone) == "09:00" })
    }

    @Test("a handoff at a time the change skips or repeats (02:30 in Berlin) still leaves no gap and no overlap")
    func handoffInsideTheChange() {
        let zone = "Europe/Berlin"
        let schedule = schedule(zone, start: "2026-01-01T02:30", turn: .days(1), participants: ["a", "b", "c"])
        for (from, to) in [("2026-03-27T00:00", "2026-04-01T00:00"), ("2026-10-23T00:00", "2026-10-28T00:00")] {
            let shifts = schedule.shifts(from: at(from, zone), to: at(to, zone))
            #expect(shifts.count == 6)
            #expect(schedule.gaps(from: at(from, zone), to: at(to, zone)).isEmpty)
            for (first, second) in zip(shifts, shifts.dropFirst()) {
                #expect(first.end == second.start)
            }
            // Every day but the one of the change hands off at 02:30 exactly.
            #expect(shifts.dropFirst().filter { clock($0.start, zone) == "02:30" }.count >= 4)
        }
    }
}
