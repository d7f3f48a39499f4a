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
        /// The chosen runbook, when this one matches too (itself when it is the chosen one).
        fileprivate var winner: Runbook?
        /// The alert's labels, for the explanation.
        fileprivate var labels: [String: String]

        /// True if the runbook has matchers and all of them hold.
        public var matches: Bool {
            !runbook.matchers.isEmpty && failed.isEmpty
        }

        /// A one-line explanation for people: why it was chosen, passed over or did not match.
        ///
        /// Written when asked for: the server decides for every alert and hardly ever shows why (at 100 alerts per
        /// request the explanations took 6% of the server's time).
        public var reason: String {
            if let winner, matches {
                return winner.path == runbook.path ? "matches (\(MatchDecision.count(runbook.matchers.count)))"
                    : MatchDecision.passedOverReason(runbook, winner: winner)
            }
            if runbook.matchers.isEmpty { return "has no match: rules, so it never runs automatically" }
            return failed.map { matcher in
                let actual = labels[matcher.name].map { "is \(Matcher.quote($0))" } ?? "is not set"
                return "\(matcher) does not hold: \(matcher.name) \(actual)"
            }.joined(separator: "; ")
        }
    }

    /// The runbook to run, if any matches.
    public var chosen: Runbook?
    /// Every runbook: the chosen one first, then other matches (most specific first), then the rest by path.
    public var candidates: [Candidate]

    /// Decides for an alert with `labels` among `runbooks`.
    public init(labels: [String: String], runbooks: [Runbook]) {
        let judged = runbooks.map { runbook in
            Candidate(runbook: runbook, failed: runbook.matchers.filter { !$0.matches(labels) }, winner: nil, labels: labels)
        }
        var matching = judged.filter(\.matches).sorted { Self.moreSpecific($0.runbook, than: $1.runbook) }
        let others = judged.filter { !$0.matches }.sorted { $0.runbook.path < $1.runbook.path }
        chosen = matching.first?.runbook
        for index in matching.indices { matching[index].winner = chosen }
        candidates = matching + others
    }

    /// The runbook an alert with `labels` selects, without judging the others: what the server asks for every alert
    /// and every escalation step, in one pass with nothing built.
    public static func chosen(labels: [String: String], runbooks: [Runbook]) -> Runbook? {
        var best: Runbook?
        for runbook in runbooks where !runbook.matchers.isEmpty && runbook.matchers.allSatisfy({ $0.matches(labels) }) {
            if best.map({ moreSpecific(runbook, than: $0) }) ?? true { best = runbook }
        }
        return best
    }

    /// More matchers first, then path order.
    private static func moreSpecific(_ lhs: Runbook, than rhs: Runbook) -> Bool {
        let (left, right) = (lhs.matchers.count, rhs.matchers.count)
        return left != right ? left > right : lhs.path < rhs.path
    }

    fileprivate static func passedOverReason(_ runbook: Runbook, winner: Runbook) -> String {
        if runbook.matchers.count < winner.matchers.count {
            return "also matches, but less specific than \(winner.id) (\(count(runbook.matchers.count)) against "
                + "\(winner.matchers.count))"
        }
        return "also matches with as many matchers, but \(winner.id) comes first by path"
    }

    fileprivate static func count(_ matchers: Int) -> String {
        matchers == 1 ? "1 matcher" : "\(matchers) matchers"
    }
}
