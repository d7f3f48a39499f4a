import Foundation
import Runbooks
import Testing
@testable import OnCall

/// Reading the documented examples, and what a user sees when a file is wrong.
struct ConfigLoadTests {
    static let now = at("2026-12-01T12:00:00Z")

    @Test("the documented examples load without findings")
    func examplesLoad() throws {
        let (config, diagnostics) = OnCallConfig.load(files: Fixtures.all, now: Self.now)
        #expect(diagnostics == [])
        let alice = try #require(config.people["alice"])
        #expect(alice.name == "Alice Example")
        #expect(alice.timeZone == TimeZone(identifier: "Europe/Berlin"))
        #expect(alice.contacts.map(\.kind) == [
            .webhook(secret: "alice-webhook"), .spoken, .email(address: "alice@example.com"),
            .ntfy(topic: "alice-pages", server: nil, secret: nil), .slack(secret: "ops-slack"),
        ])
        #expect(alice.notify == [
            NotificationRule(contact: "hook", after: 0), NotificationRule(contact: "voice", after: 0), NotificationRule(contact: "mail", after: 300),
        ])
        let primary = try #require(config.schedules["primary"])
        #expect(primary.layers.first?.turn == .days(7))
        #expect(primary.layers.first?.start == at("2026-01-05T08:00:00Z"))
        #expect(primary.layers.first?.restrictions.first?.days.count == 5)
        #expect(primary.overrides == [Override(person: "bob", start: at("2026-12-24T08:00:00Z"), end: at("2026-12-27T08:00:00Z"))])
        #expect(primary.fallback == "alice")
        let policy = try #require(config.policies["default"])
        #expect(policy.repeatCount == 2)
        #expect(policy.levels.map(\.targets) == [[.schedule("primary")], [.person("bob"), .channel("ops")], [.policy("management")]])
        #expect(policy.levels.map(\.wait) == [600, 900, 0])
        #expect(config.settings.defaultPolicies == [1: "default", 2: "default"])
        #expect(config.settings.defaultPolicyForOtherPriorities == "default")
        #expect(config.settings.acknowledgementTimeout == 14_400.0)
        #expect(config.settings.storm == StormLimit(incidents: 5, within: 600))
        #expect(config.settings.channels["ops"] == ChannelSpec(kind: .slack(secret: "ops-slack")))
        #expect(config.silences.count == 1)
        #expect(config.silences.first?.comment == "db migration")
    }

    @Test("an empty wiki is the empty configuration")
    func emptyWiki() {
        let (config, diagnostics) = OnCallConfig.load(files: [("README.md", "# hi")], now: Self.now)
        #expect(config == .empty)
        #expect(diagnostics.isEmpty)
    }

    /// The diagnostics of the examples with `path` replaced by `text`, rendered as `file:line: message`.
    static func findings(_ path: String, _ text: String) -> [String] {
        OnCallConfig.load(files: Fixtures.with(path, text), now: now).diagnostics.map(\.description)
    }

    @Test("an unknown key is an error at its line")
    func unknownKey() {
        let text = Fixtures.primary.replacingOccurrences(of: "    turn: weekly", with: "    trun: weekly")
        let found = Self.findings("oncall/schedules/primary.yaml", text)
        #expect(found.contains { $0.hasPrefix("oncall/schedules/primary.yaml:5: layer: unknown key 'trun'") })
        #expect(found.contains { $0.hasPrefix("oncall/schedules/primary.yaml:3: layer 'weekly': missing 'turn'") })
    }

    @Test("an unknown person in a schedule is an error at the line that names them")
    func unknownPerson() {
        let text = Fixtures.primary.replacingOccurrences(of: "[alice, bob]", with: "[alice, bbo]")
        let found = Self.findings("oncall/schedules/primary.yaml", text)
        #expect(found == ["oncall/schedules/primary.yaml:6: unknown person 'bbo' (known: alice, bob, carol)"])
    }

    @Test("a rotation without participants is an error")
    func noParticipants() {
        let text = Fixtures.primary.replacingOccurrences(of: "[alice, bob]", with: "[]")
        #expect(Self.findings("oncall/schedules/primary.yaml", text).contains {
            $0 == "oncall/schedules/primary.yaml:6: layer 'weekly': a rotation needs at least one participant"
        })
    }

    @Test("an invalid time zone is an error at its line, and the schedule is left out")
    func invalidTimeZone() {
        let text = Fixtures.primary.replacingOccurrences(of: "Europe/Berlin", with: "Europe/Berlim")
        let (config, diagnostics) = OnCallConfig.load(files: Fixtures.with("oncall/schedules/primary.yaml", text), now: Self.now)
        #expect(diagnostics.map(\.description) == [
            "oncall/schedules/primary.yaml:1: time_zone: unknown time zone 'Europe/Berlim' (use an IANA name such as Europe/Berlin or UTC)",
        ])
        #expect(config.schedules["primary"] == nil)
        // The policy that uses the schedule still loads: the name was declared, only its content is wrong.
        #expect(config.policies["default"] != nil)
    }

    @Test("an override whose end is not after its start is an error")
    func overrideBackwards() {
        let text = Fixtures.primary.replacingOccurrences(of: "to: 2026-12-27T09:00", with: "to: 2026-12-24T09:00")
        #expect(Self.findings("oncall/schedules/primary.yaml", text) == [
            "oncall/schedules/primary.yaml:10: override for 'bob': 'from' must be before 'to'",
        ])
    }

    @Test("two layers with one name, or identical layers, are errors")
    func duplicateLayers() {
        let layer = """
              - name: weekly
                start: 2026-01-05T09:00
                turn: weekly
                participants: [alice, bob]
            """
        let sameName = "time_zone: UTC\nlayers:\n\(layer)\n\(layer.replacingOccurrences(of: "[alice, bob]", with: "[bob]"))\nfallback: alice\n"
        #expect(Self.findings("oncall/schedules/primary.yaml", sameName) == [
            "oncall/schedules/primary.yaml:7: layer 'weekly' is defined twice in schedule 'primary'",
        ])
        let twin = "time_zone: UTC\nlayers:\n\(layer)\n\(layer.replacingOccurrences(of: "name: weekly", with: "name: again"))\nfallback: alice\n"
        #expect(Self.findings("oncall/schedules/primary.yaml", twin) == [
            "oncall/schedules/primary.yaml:7: layer 'again' duplicates layer 'weekly' (same start, turn and participants)",
        ])
    }

    @Test("a gap in the next four weeks without a fallback is a warning naming when it starts")
    func gapWarning() throws {
        let text = Fixtures.primary.replacingOccurrences(of: "fallback: alice\n", with: "")
        let (config, diagnostics) = OnCallConfig.load(files: Fixtures.with("oncall/schedules/primary.yaml", text), now: Self.now)
        let warning = try #require(diagnostics.first)
        #expect(diagnostics.count == 1)
        #expect(warning.severity == .warning)
        #expect(warning.line == 2)
        // 1 December 2026 is a Tuesday; 12:00 UTC is 13:00 in Berlin, inside office hours, so the first gap is at 17:00.
        #expect(warning.message.contains("2026-12-01T17:00:00+01:00"))
        #expect(config.schedules["primary"] != nil) // a warning does not leave the schedule out
    }

    @Test("YAML syntax errors are reported with their line, and never crash")
    func syntaxError() {
        let found = Self.findings("oncall/policies/default.yaml", "levels:\n  - notify: [ { person: bob }\n    wait: 10m\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("oncall/policies/default.yaml:") == true)
        #expect(found.first?.contains("not valid YAML") == true)
        for garbage in ["", "- a\n- b", "people: 3", ":", "time_zone: [", "levels: {a: b}", "\t\u{0}"] {
            for file in Fixtures.all {
                _ = OnCallConfig.load(files: Fixtures.with(file.path, garbage), now: Self.now)
            }
        }
    }

    @Test("people: unknown contact in a notify rule, a contact without what its type needs, a person listed twice")
    func peopleLint() {
        let text = Fixtures.people
            .replacingOccurrences(of: "{ contact: mail, after: 5m }", with: "{ contact: sms, after: 5m }")
            .replacingOccurrences(of: "type: email, address: alice@example.com", with: "type: email")
            .replacingOccurrences(of: "  - id: carol", with: "  - id: bob")
        let found = Self.findings("oncall/people.yaml", text)
        #expect(found.contains("oncall/people.yaml:8: person 'alice' contact 'mail': type email needs 'address'"))
        #expect(found.contains("oncall/people.yaml:14: person 'alice' notify: no contact method named 'sms' (defined: hook, voice, phone, chat)"))
        #expect(found.contains("oncall/people.yaml:21: person 'bob' is listed twice"))
    }

    @Test("a duration without a unit is an error that suggests one")
    func durationWithoutUnit() {
        let text = Fixtures.policyDefault.replacingOccurrences(of: "wait: 10m", with: "wait: 10")
        #expect(Self.findings("oncall/policies/default.yaml", text) == [
            "oncall/policies/default.yaml:4: level 1.wait: '10' is not a duration (use e.g. 30s, 15m, 4h, 2d, 1w); give a unit, e.g. 10m",
        ])
    }
}
