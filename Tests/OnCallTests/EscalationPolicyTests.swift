import Foundation
import Runbooks
import Testing
@testable import OnCall

/// Escalation policies: their lint, which policy an incident gets, and who a level pages.
struct EscalationPolicyTests {
    static let now = at("2026-12-01T12:00:00Z")

    static func load(_ files: [(path: String, text: String)]) -> (config: OnCallConfig, diagnostics: [String]) {
        let (config, diagnostics) = OnCallConfig.load(files: files, now: now)
        return (config, diagnostics.map(\.description))
    }

    @Test("a policy that hands off back to itself through another is an error in each, at the hand-off")
    func cycleThroughAnother() {
        let management = "levels:\n  - notify: [ { person: carol } ]\n    wait: 5m\n  - notify: [ { policy: default } ]\n"
        let (config, found) = Self.load(Fixtures.with("oncall/policies/management.yaml", management))
        #expect(found == [
            "oncall/policies/default.yaml:7: policy 'default' hands off to itself: default → management → default",
            "oncall/policies/management.yaml:4: policy 'management' hands off to itself: management → default → management",
        ])
        #expect(config.policies.count == 2)
    }

    @Test("a policy that hands off to itself directly is an error")
    func directCycle() {
        let selfish = "levels:\n  - notify: [ { person: carol }, { policy: management } ]\n"
        let (_, found) = Self.load(Fixtures.with("oncall/policies/management.yaml", selfish))
        #expect(found == ["oncall/policies/management.yaml:2: policy 'management' hands off to itself: management → management"])
    }

    @Test("unknown person, schedule, channel and policy are errors at their lines")
    func unknownTargets() {
        let text = """
        levels:
          - notify: [ { schedule: primray } ]
            wait: 10m
          - notify:
              - { person: dave }
              - { channel: opz }
            wait: 15m
          - notify: [ { policy: managment } ]

        """
        let (_, found) = Self.load(Fixtures.with("oncall/policies/default.yaml", text))
        #expect(found == [
            "oncall/policies/default.yaml:2: unknown schedule 'primray' (known: primary)",
            "oncall/policies/default.yaml:5: unknown person 'dave' (known: alice, bob, carol)",
            "oncall/policies/default.yaml:6: unknown channel 'opz' (known: ops)",
            "oncall/policies/default.yaml:8: unknown policy 'managment' (known: default, management)",
        ])
    }

    @Test("a level with nothing to notify, and a zero wait before another level, are errors")
    func emptyLevelAndZeroWait() {
        let text = "levels:\n  - notify: []\n    wait: 10m\n  - notify: [ { person: bob } ]\n    wait: 0m\n  - notify: [ { person: alice } ]\n"
        let (config, found) = Self.load(Fixtures.with("oncall/policies/default.yaml", text))
        #expect(found.contains("oncall/policies/default.yaml:2: level 1 notifies nobody: give people, schedules, channels or a policy"))
        #expect(found.contains("oncall/policies/default.yaml:5: level 2.wait must be more than 0, or the next level is paged at once"))
        #expect(config.policies["default"] == nil)
    }

    @Test("a target with two kinds at once is an error")
    func ambiguousTarget() {
        let text = "levels:\n  - notify: [ { person: bob, schedule: primary } ]\n"
        let (_, found) = Self.load(Fixtures.with("oncall/policies/default.yaml", text))
        #expect(found == ["oncall/policies/default.yaml:2: level 1: give one of person, schedule, channel or policy per target"])
    }

    @Test("default_policy naming an unknown policy, or a priority out of range, is an error")
    func defaultPolicyLint() {
        let text = Fixtures.settings.replacingOccurrences(of: "  2: default", with: "  7: default\n  3: defualt")
        let (_, found) = Self.load(Fixtures.with("config/oncall.yaml", text))
        #expect(found == [
            "config/oncall.yaml:3: default_policy: '7' is not a priority (1 to 5, or \"*\" for the others)",
            "config/oncall.yaml:4: unknown policy 'defualt' (known: default, management)",
        ])
    }

    @Test("the runbook's policy wins if it exists; else the priority's default, else the catch-all")
    func policyForPriority() {
        let (config, _) = Self.load(Fixtures.all)
        #expect(config.policy(forPriority: 1, named: "management")?.name == "management")
        #expect(config.policy(forPriority: 1, named: "no-such")?.name == "default")
        #expect(config.policy(forPriority: 4, named: nil)?.name == "default")
        var withoutCatchAll = config
        withoutCatchAll.settings.defaultPolicyForOtherPriorities = nil
        #expect(withoutCatchAll.policy(forPriority: 4, named: nil) == nil)
        #expect(withoutCatchAll.policy(forPriority: 2, named: nil)?.name == "default")
    }

    @Test("a level resolves to the people on call, channels and hand-offs at that instant")
    func recipients() throws {
        let (config, _) = Self.load(Fixtures.all)
        let policy = try #require(config.policies["default"])
        // Monday 14 December 2026, 10:00 in Berlin: turn 49 of the weekly rotation from 5 January, an odd one: bob.
        let monday = at("2026-12-14T10:00", "Europe/Berlin")
        #expect(config.recipients(of: policy.levels[0], at: monday) == [.person(config.people["bob"]!)])
        // Saturday: outside the only layer's window, so the fallback.
        let saturday = at("2026-12-05T10:00", "Europe/Berlin")
        #expect(config.recipients(of: policy.levels[0], at: saturday) == [.person(config.people["alice"]!)])
        // Christmas: the override.
        #expect(config.recipients(of: policy.levels[0], at: at("2026-12-25T20:00", "Europe/Berlin")) == [.person(config.people["bob"]!)])
        #expect(config.recipients(of: policy.levels[1], at: monday) == [
            .person(config.people["bob"]!), .channel(name: "ops", ChannelSpec(kind: .slack(secret: "ops-slack"))),
        ])
        #expect(config.recipients(of: policy.levels[2], at: monday) == [.policy(config.policies["management"]!)])
    }

    @Test("the same person twice in a level is paged once")
    func recipientsWithoutRepeats() {
        let (config, _) = Self.load(Fixtures.all)
        let level = EscalationLevel(targets: [.person("alice"), .schedule("primary"), .person("alice")], wait: 60)
        #expect(config.recipients(of: level, at: at("2026-12-05T10:00", "Europe/Berlin")) == [.person(config.people["alice"]!)])
    }
}
