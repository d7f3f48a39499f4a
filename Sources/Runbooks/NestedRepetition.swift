/// Finds a repeated group that itself repeats without bound, like `(a+)+` or `(\w*\.?)*`.
///
/// Swift's `Regex` backtracks: such a pattern can take time exponential in the length of the text
/// that fails to match, and alert labels, which matchers and parameter patterns are run against,
/// come from whoever can send an alert. A pattern with one is refused when the runbook is parsed.
/// Bounded repeats (`{1,64}`) and alternations are not checked; the classic catastrophic forms are
/// an unbounded repeat of a group that holds an unbounded repeat.
enum NestedRepetition {
    /// A description of the first nested unbounded repetition in `pattern`, nil when it has none.
    static func find(in pattern: String) -> String? {
        let characters = Array(pattern)
        // One frame per open group: whether something inside it repeats without bound, and where it opened.
        var frames: [(unbounded: Bool, start: Int)] = [(false, 0)]
        var index = 0
        while index < characters.count {
            let character = characters[index]
            var atomStart = index
            var closedGroup: (unbounded: Bool, start: Int)?
            switch character {
            case "\\":
                index += 2
            case "[":
                index = endOfClass(characters, from: index)
            case "(":
                frames.append((false, index))
                index += 1
                continue
            case ")" where frames.count > 1:
                closedGroup = frames.removeLast()
                atomStart = closedGroup!.start
                index += 1
            default:
                index += 1
            }
            let (unbounded, next) = quantifier(characters, at: index)
            if let closedGroup, unbounded, closedGroup.unbounded {
                return "'\(String(characters[atomStart..<next]))' repeats a group that itself repeats without bound, which can take "
                    + "exponential time on a crafted label; write it without the nesting (for example (a+)+ as a+)"
            }
            if unbounded || closedGroup?.unbounded == true { frames[frames.count - 1].unbounded = true }
            index = next
        }
        return nil
    }

    /// Whether a quantifier at `index` repeats without bound (`*`, `+`, `{n,}`), and the index after it.
    private static func quantifier(_ characters: [Character], at index: Int) -> (unbounded: Bool, next: Int) {
        guard index < characters.count else { return (false, index) }
        var next = index + 1
        let unbounded: Bool
        switch characters[index] {
        case "*", "+":
            unbounded = true
        case "?":
            unbounded = false
        case "{":
            guard let close = characters[index...].firstIndex(of: "}"),
                  characters[(index + 1)..<close].allSatisfy({ $0.isNumber || $0 == "," }) else { return (false, index) }
            let body = String(characters[(index + 1)..<close])
            unbounded = body.hasSuffix(",")
            next = close + 1
        default:
            return (false, index)
        }
        // A lazy (`*?`) or possessive (`*+`) marker belongs to the same quantifier.
        if next < characters.count, characters[next] == "?" || characters[next] == "+" { next += 1 }
        return (unbounded, next)
    }

    /// The index after the character class opening at `start`.
    private static func endOfClass(_ characters: [Character], from start: Int) -> Int {
        var index = start + 1
        if index < characters.count, characters[index] == "^" { index += 1 }
        // A `]` first in the class is a literal.
        if index < characters.count, characters[index] == "]" { index += 1 }
        while index < characters.count, characters[index] != "]" {
            index += characters[index] == "\\" ? 2 : 1
        }
        return min(index + 1, characters.count)
    }
}
