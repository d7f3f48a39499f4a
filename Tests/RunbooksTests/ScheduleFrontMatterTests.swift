import Foundation
import Runbooks
import Testing

/// `schedule:` in front matter: what it reads, and each mistake reported at its line.
struct ScheduleFrontMatterTests {
    private func parse(_ front: String) -> ParsedRunbook {
        let page = "---\ntitle: Nightly\n\(front)\n---\n# Nightly\n\n```sh\necho ok\n```\n"
        return RunbookParser.parse(Data(page.utf8), path: "runbooks/nightly.md")
    }

    @Test("a schedule reads its cron, zone, missed-run rule and parameters; run-once is the default")
    func reads() throws {
        let parsed = parse("params:\n  DOMAIN: { pattern: '^[a-z.]+$', required: true }\n"
            + "schedule: { cron: \"30 6 * * mon-fri\", timezone: Europe/Berlin, params: { DOMAIN: example.org } }")
        let schedule = try #require(parsed.runbook?.schedule, "\(parsed.diagnostics)")
        #expect(schedule.cron.description == "30 6 * * mon-fri (Europe/Berlin)")
        #expect(schedule.missed == .runOnce)
        #expect(schedule.parameters == ["DOMAIN": "example.org"])
        #expect(parse("schedule: { cron: '@daily', timezone: UTC, missed: skip }").runbook?.schedule?.missed == .skip)
        #expect(parse("title2: x").runbook == nil, "unknown keys stay errors")
    }

    @Test("mistakes are errors at their line: the field, the zone (with a suggestion), keys, missed, parameters")
    func mistakes() {
        let cases: [(String, Int, String)] = [
            ("schedule: { cron: \"0 25 * * *\", timezone: UTC }", 3, "cron field 2 (hour) '25'"),
            ("schedule:\n  cron: \"0 6 * * *\"\n  timezone: Europe/Berln", 5, "did you mean 'Europe/Berlin'"),
            ("schedule: { cron: \"0 6 * * *\" }", 3, "schedule needs 'timezone'"),
            ("schedule: { cron: \"0 6 * * *\", timezone: UTC, mised: skip }", 3, "unknown schedule key 'mised' (did you mean 'missed'?)"),
            ("schedule: { cron: \"0 6 * * *\", timezone: UTC, missed: twice }", 3, "use run-once or skip"),
            ("schedule: \"0 6 * * *\"", 3, "'schedule' must be a mapping"),
            ("params:\n  HOST: { required: true }\nschedule: { cron: \"0 6 * * *\", timezone: UTC }", 5,
             "required parameter HOST has no value"),
            ("schedule: { cron: \"0 6 * * *\", timezone: UTC, params: { HSOT: x } }", 3, "HSOT is not a parameter of this runbook"),
            ("params:\n  TOKEN: { from: secret.api-token }\nschedule: { cron: \"0 6 * * *\", timezone: UTC, params: { TOKEN: x } }", 5,
             "TOKEN comes from a secret"),
        ]
        for (front, line, words) in cases {
            let parsed = parse(front)
            #expect(parsed.runbook == nil, "\(front)")
            let found = parsed.diagnostics.first { $0.message.contains(words) }
            #expect(found?.line == line, "\(front): \(parsed.diagnostics.map(\.description))")
        }
    }
}
