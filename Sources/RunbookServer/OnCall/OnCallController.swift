import Foundation
import Hummingbird
import OnCall
import RunbookAPI

/// `/api/v1/oncall`: who is on call now and next, each schedule's final shifts, and iCalendar feeds per schedule and
/// per person (for calendar apps; they send the token as `Authorization: Bearer`, or subscribe through a proxy).
struct OnCallController: Sendable {
    let deployment: OnCallDeployment

    /// `GET /api/v1/oncall`.
    struct Overview: ResponseEncodable {
        var commit: String?
        var schedules: [ScheduleStatus]
        var policies: [String]
        var people: [String]
        /// Lint findings of the deployed files (`file:line: message`).
        var problems: [String]
    }

    /// `GET /api/v1/oncall/schedules/{name}`: the final schedule, layers and overrides applied.
    struct Shifts: ResponseEncodable {
        var schedule: String
        var timeZone: String
        var shifts: [Shift]

        enum CodingKeys: String, CodingKey {
            case schedule, shifts
            case timeZone = "time_zone"
        }
    }

    func register(on api: RouterGroup<ServerContext>) {
        api.group("oncall", role: .viewer)
            .get { _, _ in
                let config = deployment.config
                return Overview(commit: deployment.commit?.description, schedules: config.status(at: Date()),
                                policies: config.policies.keys.sorted(), people: config.people.keys.sorted(),
                                problems: deployment.diagnostics.map(\.description))
            }
            .get("schedules/{name}") { request, context in
                let schedule = try schedule(context)
                let (from, to) = try range(request)
                return Shifts(schedule: schedule.name, timeZone: schedule.timeZone.identifier, shifts: schedule.shifts(from: from, to: to))
            }
            .get("schedules/{name}/calendar.ics") { request, context in
                let (from, to) = try Self.calendarRange(request)
                guard let calendar = deployment.config.calendar(forSchedule: try schedule(context).name, from: from, to: to) else {
                    throw APIError(404, code: "not_found", "no schedule '\(context.path("name"))'")
                }
                return Self.ics(calendar)
            }
            .get("people/{id}/calendar.ics") { request, context in
                let (from, to) = try Self.calendarRange(request)
                guard let calendar = deployment.config.calendar(forPerson: context.path("id"), from: from, to: to) else {
                    throw APIError(404, code: "not_found", "no person '\(context.path("id"))' in oncall/people.yaml")
                }
                return Self.ics(calendar)
            }
    }

    private func schedule(_ context: ServerContext) throws -> Schedule {
        let name = context.path("name")
        guard let schedule = deployment.config.schedules[name] else {
            let known = deployment.config.schedules.keys.sorted().joined(separator: ", ")
            throw APIError(404, code: "not_found", "no schedule '\(name)' (known: \(known.isEmpty ? "none" : known))")
        }
        return schedule
    }

    /// `?from=` and `?to=` (ISO 8601), default the next 14 days; at most 400 days.
    private func range(_ request: Request) throws -> (Date, Date) {
        let from = try Self.date(request, "from") ?? Date()
        let to = try Self.date(request, "to") ?? from + 14 * 86_400
        guard from < to else { throw APIError.badRequest("'from' must be before 'to'", field: "to", code: "invalid_parameter") }
        guard to.timeIntervalSince(from) <= Schedule.longestRange else {
            throw APIError.badRequest("at most 400 days at once", field: "to", code: "invalid_parameter")
        }
        return (from, to)
    }

    /// Calendar feeds cover the past 30 days and the next 180 unless told otherwise.
    private static func calendarRange(_ request: Request) throws -> (Date, Date) {
        let from = try date(request, "from") ?? Date() - 30 * 86_400
        return (from, try date(request, "to") ?? from + 210 * 86_400)
    }

    private static func date(_ request: Request, _ name: String) throws -> Date? {
        try request.query(name).map { try ISOTime.parse($0, field: name, code: "invalid_parameter") }
    }


    private static func ics(_ calendar: ICalendar) -> Response {
        Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: calendar.text(now: Date()))))
    }
}
