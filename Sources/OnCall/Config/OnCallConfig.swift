import Foundation

/// Everything the on-call side of the wiki says: people, schedules, escalation policies, settings and silences.
///
/// Built by ``load(files:now:)`` from the wiki's files. A part that cannot be read (a person, a schedule or policy
/// file, a channel, a silence) is left out and the rest is kept, so a mistake in one schedule does not stop paging
/// through the others; a name that refers to nothing is reported by lint and skipped when paging.
public struct OnCallConfig: Sendable, Equatable {
    /// People by id.
    public var people: [PersonID: Person]
    /// Schedules by name.
    public var schedules: [String: Schedule]
    /// Escalation policies by name.
    public var policies: [String: EscalationPolicy]
    /// The settings of `config/oncall.yaml`.
    public var settings: OnCallSettings
    /// The silences written in `config/oncall.yaml` (API-created ones live elsewhere).
    public var silences: [Silence]

    /// Creates a configuration.
    public init(
        people: [PersonID: Person] = [:], schedules: [String: Schedule] = [:], policies: [String: EscalationPolicy] = [:],
        settings: OnCallSettings = .empty, silences: [Silence] = []
    ) {
        self.people = people
        self.schedules = schedules
        self.policies = policies
        self.settings = settings
        self.silences = silences
    }

    /// Nobody, nothing: a wiki without on-call files.
    public static let empty = OnCallConfig()

    /// The policy for an incident: the one its runbook's front matter names if that exists, else the default for
    /// its priority, else `nil` (nobody is paged).
    public func policy(forPriority priority: Int, named name: String?) -> EscalationPolicy? {
        if let name, let policy = policies[name] {
            return policy
        }
        return settings.defaultPolicy(forPriority: priority).flatMap { policies[$0] }
    }

    /// Who `level` pages at `date`, in the level's order without repeats: people (a schedule's on-call person, or
    /// its fallback in a gap), channels, and policies that take over (see ``Recipient/policy(_:)``).
    ///
    /// Names that do not resolve (left out for an error, which lint reported) are skipped rather than failing the
    /// page: paging the rest is better than paging nobody.
    public func recipients(of level: EscalationLevel, at date: Date) -> [Recipient] {
        var recipients: [Recipient] = []
        for target in level.targets {
            for recipient in resolve(target, at: date) where !recipients.contains(recipient) {
                recipients.append(recipient)
            }
        }
        return recipients
    }

    private func resolve(_ target: EscalationTarget, at date: Date) -> [Recipient] {
        switch target {
        case .person(let id):
            return people[id].map { [.person($0)] } ?? []
        case .schedule(let name):
            guard let schedule = schedules[name] else { return [] }
            let onCall = schedule.onCall(at: date)
            let ids = onCall.isEmpty ? schedule.fallback.map { [$0] } ?? [] : onCall
            return ids.compactMap { people[$0] }.map { .person($0) }
        case .channel(let name):
            return settings.channels[name].map { [.channel(name: name, $0)] } ?? []
        case .policy(let name):
            return policies[name].map { [.policy($0)] } ?? []
        }
    }
}
