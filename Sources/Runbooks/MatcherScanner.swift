/// Splits matcher text into name, operator and value; kept apart from `Matcher` because it is all
/// about characters and error messages.
struct MatcherScanner {
    private let text: String
    private var rest: Substring

    init(text: String) {
        self.text = text
        self.rest = Substring(text)
    }

    /// Reads the whole matcher or throws a message that quotes the input.
    mutating func parse() throws(MatcherError) -> (name: String, op: Matcher.Operator, value: String) {
        skipWhitespace()
        guard !rest.isEmpty else { throw MatcherError("empty matcher") }
        let name = rest.prefix { $0.unicodeScalars.allSatisfy(Matcher.isLabelScalar) }
        rest = rest[name.endIndex...] // not dropFirst(name.count): counting Characters is O(n)
        guard !name.isEmpty else { throw MatcherError("missing label name in '\(text)'") }
        skipWhitespace()
        guard let op = readOperator() else {
            throw MatcherError("missing operator in '\(text)' (expected =, !=, =~ or !~ after '\(name)')")
        }
        skipWhitespace()
        let value = try rest.first == "\"" ? readQuoted() : readUnquoted()
        return (String(name), op, value)
    }

    private mutating func skipWhitespace() {
        rest = rest.drop { $0.isWhitespace }
    }

    /// Two-character operators first, so `=~` is not read as `=` followed by a value `~...`.
    private mutating func readOperator() -> Matcher.Operator? {
        for op in [Matcher.Operator.regexMatch, .regexNoMatch, .notEqual, .equal] where rest.hasPrefix(op.rawValue) {
            rest = rest.dropFirst(op.rawValue.count)
            return op
        }
        return nil
    }

    private mutating func readQuoted() throws(MatcherError) -> String {
        rest = rest.dropFirst()
        var value = ""
        while let character = rest.popFirst() {
            switch character {
            case "\"":
                skipWhitespace()
                guard rest.isEmpty else { throw MatcherError("unexpected text after quoted value in '\(text)': '\(rest)'") }
                return value
            case "\\":
                value.append(try readEscape())
            default:
                value.append(character)
            }
        }
        throw MatcherError("unterminated quoted value in '\(text)'")
    }

    private mutating func readEscape() throws(MatcherError) -> Character {
        guard let escaped = rest.popFirst() else { throw MatcherError("unterminated quoted value in '\(text)'") }
        switch escaped {
        case "\"": return "\""
        case "\\": return "\\"
        case "n": return "\n"
        case "t": return "\t"
        default: throw MatcherError("invalid escape '\\\(escaped)' in '\(text)' (allowed: \\\" \\\\ \\n \\t)")
        }
    }

    private mutating func readUnquoted() throws(MatcherError) -> String {
        let value = rest.trimmingSuffix { $0.isWhitespace }
        if value.contains(where: { $0 == "\"" || $0 == "'" }) {
            throw MatcherError("stray quote in unquoted value '\(value)' in '\(text)'; quote the whole value: name=\"value\"")
        }
        if value.contains(where: \.isWhitespace) {
            throw MatcherError("unquoted value '\(value)' in '\(text)' contains whitespace; quote it: name=\"value\"")
        }
        return String(value)
    }
}

extension Substring {
    /// The substring without trailing characters that satisfy `predicate`.
    func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var result = self
        while let last = result.last, predicate(last) {
            result = result.dropLast()
        }
        return result
    }
}
