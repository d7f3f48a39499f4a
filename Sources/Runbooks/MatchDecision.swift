/// Which runbook an alert's labels select, and why each runbook was or was not chosen.
///
/// Rules: every matcher of a runbook must hold; a runbook without matchers never matches automatically
/// (it never runs automatically); among matching runbooks the one with the most matchers wins, as
/// the most specific; ties go to the lexicographically first path, so the choice never depends on load order.
public struct MatchDecision: Sendable {
    /// One runbook's verdict.
    public struct Candidate: Sendable {
        /// The runbook judged.
        public var runbook: Runbook
        /// Its matchers that did not hold, in front-matter order.
        public var failed: [Matcher]
        /// A one-line explanation for people: why it was chosen, passed over or did not match.
        public var reason: String

        /// True if the runbook has matchers and all of them hold.
        public var matches: Bool {
            !runbook.matchers.isEmpty && failed.isEmpty
        }
    }

    /// The runbook to run, if any matches.
    public var chosen: Runbook?
    /// Every runbook: the chosen one first, then other matches (most specific first), then the rest by path.
    public var candidates: [Candidate]

    /// Decides for an alert with `labels` among `runbooks`.
    public init(labels: [String: String], runbooks: [Runbook]) {
        let judged = runbooks.map { runbook in
            Candidate(runbook: runbook, failed: runbook.matchers.filter { !$0.matches(labels) }, reason: "")
        }
        var matching = judged.filter(\.matches).sorted(by: Self.moreSpecific)
        let others = judged.filter { !$0.matches }.sorted { $0.runbook.path < $1.runbook.path }
        if let first = matching.first {
            matching[0].reason = "matches (\(Self.count(first.runbook.matchers.count)))"
            for index in matching.indices.dropFirst() {
                matching[index].reason = Self.passedOverReason(matching[index].runbook, winner: first.runbook)
            }
        }
        candidates = matching + others.map { Self.explained($0, labels: labels) }
        chosen = matching.first?.runbook
    }

    /// More matchers first, then path order.
    private static func moreSpecific(_ lhs: Candidate, _ rhs: Candidate) -> Bool {
        let (left, right) = (lhs.runbook.matchers.count, rhs.runbook.matchers.count)
        return left != right ? left > right : lhs.runbook.path < rhs.runbook.path
    }

    private static func passedOverReason(_ runbook: Runbook, winner: Runbook) -> String {
        if runbook.matchers.count < winner.matchers.count {
            return "also matches, but less specific than \(winner.id) (\(count(runbook.matchers.count)) against "
                + "\(winner.matchers.count))"
        }
        return "also matches with as many matchers, but \(winner.id) comes first by path"
    }

    private static func explained(_ candidate: Candidate, labels: [String: String]) -> Candidate {
        var candidate = candidate
        if candidate.runbook.matchers.isEmpty {
            candidate.reason = "has no match: rules, so it never runs automatically"
        } else {
            candidate.reason = candidate.failed.map { matcher in
                let actual = labels[matcher.name].map { "is \(Matcher.quote($0))" } ?? "is not set"
                return "\(matcher) does not hold: \(matcher.name) \(actual)"
            }.joined(separator: "; ")
        }
        return candidate
    }

    private static func count(_ matchers: Int) -> String {
        matchers == 1 ? "1 matcher" : "\(matchers) matchers"
    }
}
