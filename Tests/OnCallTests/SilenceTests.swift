import Foundation
import Runbooks
import Testing
@testable import OnCall

/// Maintenance windows: which incidents they silence, when, and their API form.
struct SilenceTests {
    static func silence() throws -> Silence {
        let (config, _) = OnCallConfig.load(files: Fixtures.all, now: at("2026-12-01T00:00:00Z"))
        return try #require(config.silences.first)
    }

    @Test("a silence matches when every matcher holds, Alertmanager style")
    func matching() throws {
        let silence = try Self.silence()
        let during = at("2026-12-25T00:00:00Z")
        #expect(silence.matches(labels: ["service": "db", "env": "staging"], at: during))
        #expect(silence.matches(labels: ["service": "db", "env": "dev", "team": "x"], at: during))
        #expect(!silence.matches(labels: ["service": "db", "env": "production"], at: during))
        #expect(!silence.matches(labels: ["service": "db"], at: during)) // env absent is "", which the regex does not match
        #expect(!silence.matches(labels: ["service": "dbx", "env": "dev"], at: during))
        #expect(!silence.matches(labels: ["service": "db", "env": "devel"], at: during)) // regexes are anchored
    }

    @Test("a silence is active from its start up to, not including, its end")
    func timeRange() throws {
        let silence = try Self.silence()
        let labels = ["service": "db", "env": "dev"]
        #expect(!silence.matches(labels: labels, at: at("2026-12-23T23:59:59Z")))
        #expect(silence.isActive(at: at("2026-12-24T00:00:00Z")))
        #expect(silence.isActive(at: at("2026-12-25T23:59:59Z")))
        #expect(!silence.isActive(at: at("2026-12-26T00:00:00Z")))
        #expect(!silence.matches(labels: labels, at: at("2026-12-26T00:00:00Z")))
    }

    @Test("a silence in git gets an id from its content, the same wherever it stands in the file")
    func stableID() throws {
        let silence = try Self.silence()
        #expect(silence.id.hasPrefix("git-"))
        let earlier = "  - { matchers: ['a=\"b\"'], from: 2026-01-01T00:00:00Z, to: 2026-01-02T00:00:00Z, created_by: bob }\n"
        let moved = Fixtures.settings.replacingOccurrences(of: "silences:\n", with: "silences:\n" + earlier)
        let (config, diagnostics) = OnCallConfig.load(files: Fixtures.with("config/oncall.yaml", moved), now: .now)
        #expect(diagnostics.isEmpty)
        #expect(config.silences.map(\.id).last == silence.id)
    }

    @Test("silence lint: a bad matcher, a time without a zone, an end before the start, no matchers")
    func lint() {
        let text = Fixtures.settings
            .replacingOccurrences(of: "'env=~\"staging|dev\"'", with: "'env=~\"(\"'")
            .replacingOccurrences(of: "from: 2026-12-24T00:00:00Z", with: "from: 2026-12-24T00:00")
            + "  - { matchers: [], from: 2026-12-24T00:00:00Z, to: 2026-12-23T00:00:00Z, created_by: bob }\n"
        let (config, diagnostics) = OnCallConfig.load(files: Fixtures.with("config/oncall.yaml", text), now: .now)
        let found = diagnostics.map(\.description)
        #expect(found.contains { $0.hasPrefix("config/oncall.yaml:10: silence matcher 'env=~\"(\"': invalid regex") })
        #expect(found.contains("config/oncall.yaml:11: silence.from: '2026-12-24T00:00' needs a time zone: add Z or an offset such as +01:00"))
        #expect(found.contains("config/oncall.yaml:15: silence: 'matchers' is empty, which would silence every incident"))
        #expect(config.silences.isEmpty)
        #expect(config.settings.channels["ops"] != nil) // the rest of the file still counts
    }

    @Test("the API's JSON form round-trips, with matchers as text and times as ISO 8601")
    func json() throws {
        let json = """
        {"id":"s1","matchers":["service=\\"db\\"","env=~\\"staging|dev\\""],"starts_at":"2026-12-24T00:00:00Z",
         "ends_at":"2026-12-26T00:00:00.000Z","created_by":"alice","comment":"db migration"}
        """
        let silence = try JSONDecoder().decode(Silence.self, from: Data(json.utf8))
        #expect(silence.id == "s1")
        #expect(silence.matchers == [try Matcher(parsing: "service=\"db\""), try Matcher(parsing: "env=~\"staging|dev\"")])
        #expect(silence.endsAt == at("2026-12-26T00:00:00Z"))
        let encoded = try JSONEncoder().encode(silence)
        let object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        #expect(object["starts_at"] as? String == "2026-12-24T00:00:00Z")
        #expect(object["matchers"] as? [String] == ["service=\"db\"", "env=~\"staging|dev\""])
        #expect(try JSONDecoder().decode(Silence.self, from: encoded) == silence)
    }

    @Test("the API rejects a silence without matchers, with a bad matcher, or ending before it starts")
    func jsonRejects() {
        let bodies = [
            #"{"id":"s","matchers":[],"starts_at":"2026-12-24T00:00:00Z","ends_at":"2026-12-25T00:00:00Z","created_by":"a"}"#,
            #"{"id":"s","matchers":["a=~\"(\""],"starts_at":"2026-12-24T00:00:00Z","ends_at":"2026-12-25T00:00:00Z","created_by":"a"}"#,
            #"{"id":"s","matchers":["a=b"],"starts_at":"2026-12-25T00:00:00Z","ends_at":"2026-12-24T00:00:00Z","created_by":"a"}"#,
            #"{"id":"s","matchers":["a=b"],"starts_at":"tomorrow","ends_at":"2026-12-24T00:00:00Z","created_by":"a"}"#,
        ]
        for body in bodies {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(Silence.self, from: Data(body.utf8)) }
        }
    }
}
