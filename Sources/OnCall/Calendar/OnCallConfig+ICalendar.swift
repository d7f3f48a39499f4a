import Foundation

extension OnCallConfig {
    /// The final schedule of `schedule` in `[from, to)` as a calendar; `nil` for an unknown schedule.
    public func calendar(forSchedule schedule: String, from: Date, to: Date) -> ICalendar? {
        guard let found = schedules[schedule] else { return nil }
        return ICalendar(name: "On call: \(schedule)", shifts: found.shifts(from: from, to: to), names: displayNames)
    }

    /// Every shift of `person` in `[from, to)` across all schedules, in time order; `nil` for an unknown person.
    public func calendar(forPerson person: PersonID, from: Date, to: Date) -> ICalendar? {
        guard let found = people[person] else { return nil }
        let shifts = schedules.values
            .flatMap { $0.shifts(from: from, to: to) }
            .filter { $0.person == person }
            .sorted { ($0.start, $0.schedule) < ($1.start, $1.schedule) }
        return ICalendar(name: "On call: \(found.name)", shifts: shifts, names: displayNames)
    }

    private var displayNames: [PersonID: String] {
        people.mapValues(\.name)
    }
}
