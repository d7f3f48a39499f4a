import ArgumentParser
import Executor
import Runbooks

/// `runbook match --label K=V ...`: which runbook an alert would run, and why not the others.
struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Show which runbook an alert with these labels would run, and why the others would not.",
        discussion: "Exits 0 when a runbook would run, and 1 when none matches or its parameters would refuse the alert."
    )

    @OptionGroup var wikiOptions: WikiOptions

    @Option(name: .customLong("label"), help: ArgumentHelp("An alert label (repeat for more).", valueName: "key=value"))
    var labels: [String] = []

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if labels.isEmpty { throw ValidationError("give at least one --label KEY=VALUE") }
        _ = try parsedLabels()
    }

    func run() throws {
        let labels = try parsedLabels()
        let library = try wikiOptions.library()
        let decision = MatchDecision(labels: labels, runbooks: library.runbooks)
        if json {
            try Console.json(MatchReport(commit: library.commit.hex, labels: labels, decision: decision))
        } else {
            Console.out(RunbookText.decision(decision, labels: labels, library: library))
        }
        guard let chosen = decision.chosen else { throw ExitCode(1) }
        // Matching is not the whole story: a run also needs its parameters from the alert.
        do {
            _ = try RunPlan(runbook: chosen, labels: labels, annotations: [:])
        } catch {
            Console.note("but its run would be refused (labels only; annotations may supply more): " + error.problems.joined(separator: "; "))
            throw ExitCode(1)
        }
    }

    private func parsedLabels() throws -> [String: String] {
        try LabelArguments.parse(labels)
    }
}

/// `match --json`.
struct MatchReport: Encodable {
    struct Candidate: Encodable {
        let id: String
        let matches: Bool
        let reason: String
        let failed: [String]
    }

    let commit: String
    let labels: [String: String]
    let chosen: String?
    let candidates: [Candidate]

    init(commit: String, labels: [String: String], decision: MatchDecision) {
        self.commit = commit
        self.labels = labels
        chosen = decision.chosen?.id
        candidates = decision.candidates.map {
            Candidate(id: $0.runbook.id, matches: $0.matches, reason: $0.reason, failed: $0.failed.map(\.description))
        }
    }
}
