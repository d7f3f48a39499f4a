import Foundation
import Testing
@testable import OnCall

/// Layers, restrictions, overrides and gaps: the final schedule a user sees.
struct ScheduleLayerTests {
    static let zone = "Europe/Berlin"

    /// A 24/7 weekly night rotation under a weekday 09-17 layer.
    static func layered(overrides: [Override] = [], fallback: PersonID? = nil, base: Bool = true) -> Schedule {
        let tz = TimeZone(identifier: zone)!
        let office = Restriction(days: [.mon, .tue, .wed, .thu, .fri], fromMinute: 9 * 60, toMinute: 17 * 60)
        let start = at("2026-01-05T09:00", zone)
        var layers = [RotationLayer(name: "office", start: start, turn: .days(7), participants: ["alice"], restrictions: [office])]
        if base {
            layers.insert(RotationLayer(name: "base", start: at("2026-01-05T09:00", zone), turn: .days(7), participants: ["night"]), at: 0)
        }
        return Schedule(name: "primary", timeZone: tz, layers: layers, overrides: overrides, fallback: fallback)
    }

    @Test("a weekday 09-17 restriction leaves the lower layer on call outside it")
    func restrictionsFallThrough() {
        let schedule = Self.layered()
        #expect(schedule.onCall(at: at("2026-03-30T08:59", Self.zone)) == ["night"]) // Monday before 09:00
        #expect(schedule.onCall(at: at("2026-03-30T09:00", Self.zone)) == ["alice"])
        #expect(schedule.onCall(at: at("2026-03-30T16:59", Self.zone)) == ["alice"])
        #expect(schedule.onCall(at: at("2026-03-30T17:00", Self.zone)) == ["night"])
        #expect(schedule.onCall(at: at("2026-04-04T12:00", Self.zone)) == ["night"]) // Saturday
        let shifts = schedule.shifts(from: at("2026-03-30T00:00", Self.zone), to: at("2026-03-31T00:00", Self.zone))
        #expect(shifts.map(\.person) == ["night", "alice", "night"])
        #expect(shifts.map { clock($0.start, Self.zone) } == ["00:00", "09:00", "17:00"])
    }

    @Test("a week of shifts is contiguous: the weekend is one night shift, not split at midnight")
    func weekendMerged() {
        let schedule = Self.layered()
        let shifts = schedule.shifts(from: at("2026-04-03T12:00", Self.zone), to: at("2026-04-06T12:00", Self.zone))
        #expect(shifts.map(\.person) == ["alice", "night", "alice"])
        #expect(shifts[1].start == at("2026-04-03T17:00", Self.zone))
        #expect(shifts[1].end == at("2026-04-06T09:00", Self.zone))
    }

    @Test("an override wins over every layer, and the rotation resumes after it")
    func overrideWins() {
        let cover = Override(person: "bob", start: at("2026-12-24T09:00", Self.zone), end: at("2026-12-27T09:00", Self.zone))
        let schedule = Self.layered(overrides: [cover])
        #expect(schedule.onCall(at: at("2026-12-24T10:00", Self.zone)) == ["bob"])
        #expect(schedule.onCall(at: at("2026-12-26T03:00", Self.zone)) == ["bob"])
        #expect(schedule.onCall(at: at("2026-12-28T10:00", Self.zone)) == ["alice"])
        let shifts = schedule.shifts(from: at("2026-12-24T00:00", Self.zone), to: at("2026-12-28T00:00", Self.zone))
        #expect(shifts.map(\.person) == ["night", "bob", "night"])
    }

    @Test("without a lower layer the restricted hours leave gaps, and the fallback is paged in them")
    func gapsAndFallback() throws {
        let schedule = Self.layered(fallback: "alice", base: false)
        let gaps = schedule.gaps(from: at("2026-03-30T00:00", Self.zone), to: at("2026-03-31T00:00", Self.zone))
        #expect(gaps.map { clock($0.start, Self.zone) } == ["00:00", "17:00"])
        #expect(schedule.onCall(at: at("2026-03-30T20:00", Self.zone)) == [])

        var config = OnCallConfig.empty
        config.people["alice"] = Person(id: "alice", name: "Alice", contacts: [], notify: [])
        config.schedules["primary"] = schedule
        let level = EscalationLevel(targets: [.schedule("primary")], wait: 600)
        #expect(config.recipients(of: level, at: at("2026-03-30T20:00", Self.zone)) == [.person(config.people["alice"]!)])
    }

    @Test("an overnight restriction runs past midnight into the next day")
    func overnightWindow() {
        let tz = TimeZone(identifier: Self.zone)!
        let night = Restriction(days: [.fri], fromMinute: 22 * 60, toMinute: 6 * 60)
        let layer = RotationLayer(name: "n", start: at("2026-01-01T00:00", Self.zone), turn: .days(1), participants: ["x"], restrictions: [night])
        let schedule = Schedule(name: "s", timeZone: tz, layers: [layer])
        #expect(schedule.onCall(at: at("2026-04-03T23:00", Self.zone)) == ["x"]) // Friday night
        #expect(schedule.onCall(at: at("2026-04-04T05:59", Self.zone)) == ["x"]) // Saturday morning
        #expect(schedule.onCall(at: at("2026-04-04T06:00", Self.zone)) == [])
        #expect(schedule.onCall(at: at("2026-04-02T23:00", Self.zone)) == []) // Thursday night
    }

    @Test("nobody is on call before a layer starts")
    func beforeStart() {
        let schedule = schedule("UTC", start: "2026-05-01T09:00", turn: .days(1))
        #expect(schedule.onCall(at: at("2026-05-01T08:00")) == [])
        #expect(schedule.shifts(from: at("2026-05-01T00:00"), to: at("2026-05-02T00:00")).first?.start == at("2026-05-01T09:00"))
    }

    @Test("an open-ended range is cut at a bit over a year instead of running for ever")
    func openEndedRange() {
        let schedule = Self.layered()
        let from = at("2026-03-30T00:00", Self.zone)
        let shifts = schedule.shifts(from: from, to: .distantFuture)
        #expect(shifts.last?.end == from.addingTimeInterval(Schedule.longestRange))
        #expect(shifts.count > 500)
    }
}
