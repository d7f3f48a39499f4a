import Foundation

/// A runbook's `schedule:` front matter: when it runs as a job, with which parameters, and what a server that was
/// down at scheduled instants does about them.
///
/// ```yaml
/// schedule: { cron: "0 6 * * *", timezone: Europe/Berlin, missed: run-once, params: { DOMAIN: example.org } }
/// ```
///
/// Each instant runs at most once, across restarts and servers: the job that runs it is claimed on the audit branch
/// (`Scheduled-For:`) before it starts. A failed scheduled run opens an incident, which pages as any incident does.
public struct RunbookSchedule: Sendable, Equatable, Codable {
    /// What a server does at start-up about instants that passed while no server ran the schedule.
    public enum MissedRuns: String, Sendable, Codable, CaseIterable {
        /// Run once, for the latest missed instant (however many were missed).
        case runOnce = "run-once"
        /// Run none; wait for the next instant.
        case skip
    }

    public let cron: CronSchedule
    public let missed: MissedRuns
    /// Values of the runbook's parameters, given by name as for a run by hand (and checked the same way).
    public let parameters: [String: String]
    /// The front matter line of `schedule:`, for lint messages about it.
    public let line: Int

    public init(cron: CronSchedule, missed: MissedRuns = .runOnce, parameters: [String: String] = [:], line: Int = 1) {
        self.cron = cron
        self.missed = missed
        self.parameters = parameters
        self.line = line
    }

    private enum CodingKeys: String, CodingKey {
        case cron, timezone, missed
        case parameters = "params"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let zone = try container.decode(String.self, forKey: .timezone)
        do {
            cron = try CronSchedule(parsing: try container.decode(String.self, forKey: .cron), timeZone: zone)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .cron, in: container, debugDescription: "\(error)")
        }
        missed = try container.decode(MissedRuns.self, forKey: .missed)
        parameters = try container.decodeIfPresent([String: String].self, forKey: .parameters) ?? [:]
        line = 1
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cron.expression, forKey: .cron)
        try container.encode(cron.timeZone.identifier, forKey: .timezone)
        try container.encode(missed, forKey: .missed)
        try container.encode(parameters, forKey: .parameters)
    }

    /// Problems of `parameters` against the runbook's declared `declared` ones: unknown names, secrets (a secret comes
    /// from the store, never from the wiki), and required parameters with no value and no default.
    func problems(against declared: [Parameter]) -> [String] {
        var problems: [String] = []
        for name in parameters.keys.sorted() {
            guard let parameter = declared.first(where: { $0.name == name }) else {
                problems.append("schedule params: \(name) is not a parameter of this runbook (known: "
                    + (declared.map(\.name).joined(separator: ", ").nilIfEmpty ?? "none") + ")")
                continue
            }
            if parameter.isSecret { problems.append("schedule params: \(name) comes from a secret and cannot be given here") }
        }
        for parameter in declared where parameter.required && !parameter.isSecret && parameters[parameter.name] == nil {
            problems.append("schedule: required parameter \(parameter.name) has no value; give it in the schedule's params")
        }
        return problems
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
