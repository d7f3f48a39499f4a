import Testing
import Runbooks

@Suite struct MatchDecisionTests {
    func runbook(_ path: String, _ matchers: [String]) throws -> Runbook {
        Runbook(id: String(path.dropFirst(9).dropLast(3)), path: path, title: path, matchers: try matchers.map { try Matcher(parsing: $0) })
    }

    @Test func mostSpecificWinsAndEveryoneGetsAReason() throws {
        let labels = ["alertname": "DiskAlmostFull", "severity": "info", "env": "prod"]
        let decision = MatchDecision(labels: labels, runbooks: [
            try runbook("runbooks/generic.md", [#"alertname="DiskAlmostFull""#]),
            try runbook("runbooks/disk-full.md", [#"alertname="DiskAlmostFull""#, #"env!="dev""#, #"severity=~".+""#]),
            try runbook("runbooks/critical.md", [#"alertname="DiskAlmostFull""#, #"severity=~"critical|warning""#]),
            try runbook("runbooks/manual.md", []),
        ])
        #expect(decision.chosen?.path == "runbooks/disk-full.md")
        #expect(MatchDecision.chosen(labels: labels, runbooks: decision.candidates.map(\.runbook).reversed())?.path == "runbooks/disk-full.md",
                "the server's one-pass choice agrees, in any order")
        #expect(decision.candidates.map(\.runbook.id) == ["disk-full", "generic", "critical", "manual"])
        #expect(decision.candidates.map(\.matches) == [true, true, false, false])
        #expect(decision.candidates[0].reason == "matches (3 matchers)")
        #expect(decision.candidates[1].reason.hasPrefix("also matches, but less specific than disk-full"))
        #expect(decision.candidates[2].reason == #"severity=~"critical|warning" does not hold: severity is "info""#)
        #expect(decision.candidates[2].failed.map(\.description) == [#"severity=~"critical|warning""#])
        #expect(decision.candidates[3].reason == "has no match: rules, so it never runs automatically")
    }

    @Test func tiesGoToThePathThatSortsFirst() throws {
        let rules = [#"alertname="X""#]
        let decision = MatchDecision(labels: ["alertname": "X"], runbooks: [try runbook("runbooks/b.md", rules), try runbook("runbooks/a.md", rules)])
        #expect(decision.chosen?.id == "a")
        #expect(MatchDecision.chosen(labels: ["alertname": "X"], runbooks: decision.candidates.map(\.runbook).reversed())?.id == "a")
        #expect(decision.candidates[1].reason == "also matches with as many matchers, but a comes first by path")
    }

    @Test func runbooksWithoutMatchersNeverMatch() throws {
        let decision = MatchDecision(labels: [:], runbooks: [try runbook("runbooks/manual.md", [])])
        #expect(decision.chosen == nil)
        #expect(MatchDecision.chosen(labels: [:], runbooks: decision.candidates.map(\.runbook)) == nil)
        let missing = MatchDecision(labels: [:], runbooks: [try runbook("runbooks/p.md", [#"env="prod""#])])
        #expect(missing.candidates[0].reason == #"env="prod" does not hold: env is not set"#)
    }
}
