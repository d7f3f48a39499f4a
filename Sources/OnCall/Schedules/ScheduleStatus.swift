import Foundation

/// Who a schedule has on call at an instant, until when, and who comes next: `runbook oncall now` and
/// `GET /api/v1/oncall` say the same from this.
public struct ScheduleStatus: Sendable, Equatable, Codable {
    public var schedule: String
    public var timeZone: String
    /// Who is on call; the fallback in a gap; nil when there is a gap and no fallback.
    public var onCall: PersonID?
    /// Whether ``onCall`` is the fallback because nobody is scheduled now.
    public var isFallback: Bool
    /// When the current shift ends (nil in a gap or past the range looked at).
    public var until: Date?
    /// The next shift of someone else.
    public var next: Shift?

    enum CodingKeys: String, CodingKey {
        case schedule, until, next
        case timeZone = "time_zone"
        case onCall = "on_call"
        case isFallback = "is_fallback"
    }
}

extension Shift: Codable {
    enum CodingKeys: String, CodingKey { case schedule, person, start, end }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(schedule: try values.decode(String.self, forKey: .schedule), person: try values.decode(String.self, forKey: .person),
                  start: try values.decode(Date.self, forKey: .start), end: try values.decode(Date.self, forKey: .end))
    }

    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(schedule, forKey: .schedule)
        try values.encode(person, forKey: .person)
        try values.encode(start, forKey: .start)
        try values.encode(end, forKey: .end)
    }
}

extension OnCallConfig {
    /// Every schedule's status at `date`, by name (looking up to 60 days ahead for the next shift).
    public func status(at date: Date) -> [ScheduleStatus] {
        schedules.values.sorted { $0.name < $1.name }.map { $0.status(at: date) }
    }
}

extension Schedule {
    /// The schedule's status at `date`.
    public func status(at date: Date) -> ScheduleStatus {
        let shifts = self.shifts(from: date, to: date + 60 * 86_400)
        let current = shifts.first { $0.start <= date && date < $0.end }
        let next = shifts.first { $0.start > date && $0.person != current?.person }
        return ScheduleStatus(
            schedule: name, timeZone: timeZone.identifier, onCall: current?.person ?? fallback,
            isFallback: current == nil && fallback != nil, until: current?.end, next: next)
    }
}
