/// "Did you mean" support: the closest known word by edit distance, if it is close enough to be a typo.
public enum Suggestion {
    /// The candidate nearest to `word`, ignoring case, when at most 2 edits (and fewer than half its length) away.
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let limit = min(2, max(1, word.count / 2))
        var best: (word: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(Array(word.lowercased()), Array(candidate.lowercased()))
            if distance <= limit, distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        return best?.word
    }

    /// A ` (did you mean 'x'?)` suffix or the empty string.
    static func hint(for word: String, in candidates: some Sequence<String>) -> String {
        closest(to: word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Levenshtein distance; inputs are short keys, and long ones are cut off early by the caller's limit anyway.
    private static func editDistance(_ lhs: [Character], _ rhs: [Character]) -> Int {
        guard lhs.count < 64, rhs.count < 64 else { return .max }
        var previous = Array(0...rhs.count)
        for (i, left) in lhs.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: rhs.count)
            for (j, right) in rhs.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            previous = current
        }
        return previous[rhs.count]
    }
}
