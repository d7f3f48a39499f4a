import Foundation

/// The sentence a run leaves on its incident: what ran, and how it ended.
enum RunSummary {
    static func text(of run: Run) -> String {
        let took = run.endedAt.map { String(format: " in %.1f s", $0.timeIntervalSince(run.createdAt)) } ?? ""
        let head = "Run \(run.id) of \(run.runbook) (wiki \(run.runbookCommit.short))"
        switch run.state {
        case .succeeded:
            return "\(head) succeeded\(took): \(run.steps.count) step\(run.steps.count == 1 ? "" : "s") (\(stepList(run)))."
        default:
            return "\(head) \(run.state.rawValue)\(took): \(run.outcome ?? "no reason recorded")."
        }
    }

    private static func stepList(_ run: Run) -> String {
        run.steps.map { "\($0.id) \($0.state.rawValue)" }.joined(separator: ", ")
    }
}
