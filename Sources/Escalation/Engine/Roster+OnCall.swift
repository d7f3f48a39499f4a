import Foundation
import ITIL
import OnCall

extension Roster {
    /// The roster the wiki's on-call files describe.
    ///
    /// A level that hands off to another policy (`{ policy: management }`) pages its own targets together with that
    /// policy's first level and continues with that policy's later levels and waits: the other policy takes over from
    /// there, as its documentation says, while the rounds stay the first policy's. Lint refuses hand-off cycles; a
    /// depth limit guards a configuration that was not linted.
    ///
    /// - Parameter policyName: the `escalation:` front matter of the runbook that matches the incident, if any.
    public init(_ config: OnCallConfig, policyName: @escaping @Sendable (Incident) -> String? = { _ in nil }) {
        let flattened = config.policies.mapValues { Self.levels(of: $0, in: config, depth: 0) }
        @Sendable func plan(_ policy: EscalationPolicy) -> Policy {
            Policy(name: policy.name, waits: (flattened[policy.name] ?? []).map(\.wait), repeats: policy.repeatCount,
                   pageAfter: policy.pageAfter)
        }
        self.init(
            policy: { incident in
                config.policy(forPriority: incident.priority.rawValue, named: policyName(incident)).map(plan)
            },
            policyNamed: { name in config.policies[name].map(plan) },
            pages: { name, level, now in
                guard let levels = flattened[name], levels.indices.contains(level - 1) else { return [] }
                return config.recipients(of: levels[level - 1], at: now).flatMap(Self.pages(for:))
            },
            acknowledgementTimeout: config.settings.acknowledgementTimeout,
            storm: config.settings.storm.map { (incidents: $0.incidents, within: $0.within) })
    }

    /// The policy's levels with hand-offs to other policies spliced in.
    private static func levels(of policy: EscalationPolicy, in config: OnCallConfig, depth: Int) -> [EscalationLevel] {
        var result: [EscalationLevel] = []
        for level in policy.levels {
            let handOff = level.targets.lazy.compactMap { target -> String? in
                if case .policy(let name) = target { return name }
                return nil
            }.first
            guard let handOff, depth < 8, let next = config.policies[handOff] else {
                result.append(level)
                continue
            }
            var taken = levels(of: next, in: config, depth: depth + 1)
            let own = level.targets.filter { if case .policy = $0 { false } else { true } }
            if taken.isEmpty { taken = [EscalationLevel(targets: own, wait: level.wait)] } else { taken[0].targets = own + taken[0].targets }
            return result + taken
        }
        return result
    }

    /// What a recipient is sent: a person by their notification rule (every method at once when they have none), a
    /// channel once.
    private static func pages(for recipient: Recipient) -> [Page] {
        switch recipient {
        case .person(let person):
            if person.notify.isEmpty { return person.contacts.map { Page(recipient: person.id, method: $0.name) } }
            return person.notify.map { Page(recipient: person.id, method: $0.contact, after: $0.after) }
        case .channel(let name, _):
            return [Page(recipient: PlannedNotification.channelPrefix + name, method: name)]
        case .policy:
            return []
        }
    }
}
