import ArgumentParser
import Runbooks

/// `runbook match --label K=V ...`: which runbook an alert would run, and why not the others.
struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Show which runbook an alert with these labels would run, and why the others would not.",
        discussion: "Exits 0 when a runbook would run and 1 when none matches, like grep."
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
        if decision.chosen == nil { throw ExitCode(1) }
    }

    /// `--label` values as a label set; a key given twice is an error, as it would be in an alert.
    private func parsedLabels() throws -> [String: String] {
        var result: [String: String] = [:]
        for label in labels {
            guard let equals = label.firstIndex(of: "="), equals != label.startIndex else {
                throw ValidationError("--label '\(label)' is not KEY=VALUE")
            }
            let key = String(label[..<equals])
            guard key.wholeMatch(of: /[a-zA-Z_][a-zA-Z0-9_]*/) != nil else {
                throw ValidationError("--label '\(label)': '\(key)' is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)")
            }
            guard result.updateValue(String(label[label.index(after: equals)...]), forKey: key) == nil else {
                throw ValidationError("--label '\(key)' is given twice")
            }
        }
        return result
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
