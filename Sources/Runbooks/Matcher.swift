/// One Alertmanager-style label matcher from a runbook's `match:` list, such as `severity=~"critical|warning"`.
///
/// Semantics follow Alertmanager so that a matcher copied from a route means the same here:
/// a label that is absent equals `""` (so `env!="dev"` holds when `env` is not set), and regular
/// expressions are anchored at both ends (`=~"crit"` does not match `critical`).
public struct Matcher: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The comparison a matcher makes.
    public enum Operator: String, Sendable, Codable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case regexMatch = "=~"
        case regexNoMatch = "!~"

        /// True for the two regular-expression operators.
        public var isRegex: Bool { self == .regexMatch || self == .regexNoMatch }
    }

    /// The label name.
    public var name: String
    /// The comparison.
    public var op: Operator
    /// The value or, for regex operators, the pattern as written (without the implicit anchors).
    public var value: String

    /// The anchored regex for `=~`/`!~`, compiled when the matcher is made.
    private let regex: CompiledRegex?

    /// Builds a matcher from parts, validating the label name and compiling a regex value.
    public init(name: String, op: Operator, value: String) throws(MatcherError) {
        guard Self.isValidLabelName(name) else {
            throw MatcherError("invalid label name '\(name)': use letters, digits and '_', not starting with a digit")
        }
        self.name = name
        self.op = op
        self.value = value
        self.regex = op.isRegex ? try Self.compile(value) : nil
    }

    /// Parses Alertmanager matcher syntax: `name op value`, value quoted (`"..."` with `\"`, `\\`, `\n`, `\t`
    /// escapes) or unquoted, whitespace allowed around tokens.
    ///
    /// Unquoted values may not contain whitespace or quotes: in a YAML list those are nearly always a
    /// quoting mistake, and silently matching on `"bar baz` would make a runbook that never fires.
    public init(parsing text: String) throws(MatcherError) {
        var scanner = MatcherScanner(text: text)
        let parts = try scanner.parse()
        try self.init(name: parts.name, op: parts.op, value: parts.value)
    }

    /// Whether the labels satisfy this matcher; a missing label counts as the empty string.
    public func matches(_ labels: [String: String]) -> Bool {
        let actual = labels[name] ?? ""
        switch op {
        case .equal: return actual == value
        case .notEqual: return actual != value
        case .regexMatch: return regex?.wholeMatch(actual) ?? false
        case .regexNoMatch: return !(regex?.wholeMatch(actual) ?? false)
        }
    }

    /// Canonical text: `name="value"`, `name=~"value"`, value always quoted and escaped.
    public var description: String {
        "\(name)\(op.rawValue)\(Self.quote(value))"
    }

    /// Equal when name, operator and value are; the compiled regex follows from them.
    public static func == (lhs: Matcher, rhs: Matcher) -> Bool {
        lhs.name == rhs.name && lhs.op == rhs.op && lhs.value == rhs.value
    }

    /// Hashes name, operator and value.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(op)
        hasher.combine(value)
    }

    private enum CodingKeys: String, CodingKey {
        case name, op, value
    }

    /// Decodes and re-validates, so a stored matcher cannot smuggle in an invalid regex.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .name)
        let op = try container.decode(Operator.self, forKey: .op)
        let value = try container.decode(String.self, forKey: .value)
        do {
            try self.init(name: name, op: op, value: value)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .value, in: container, debugDescription: error.message)
        }
    }

    /// Encodes name, operator and value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(op, forKey: .op)
        try container.encode(value, forKey: .value)
    }

    /// Prometheus/Alertmanager classic label names: `[a-zA-Z_][a-zA-Z0-9_]*`.
    static func isValidLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !isDigit(first) else { return false }
        return name.unicodeScalars.allSatisfy(isLabelScalar)
    }

    static func isLabelScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || isDigit(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    /// Anchors like Alertmanager (`^(?:value)$` in RE2), here as a whole-string match.
    private static func compile(_ pattern: String) throws(MatcherError) -> CompiledRegex {
        do {
            return try CompiledRegex.compile("(?:\(pattern))")
        } catch {
            throw MatcherError("invalid regex '\(pattern)': \(error.message)")
        }
    }

    /// Double-quotes `text`, escaping backslash, quote, newline and tab so `init(parsing:)` reads it back.
    static func quote(_ text: String) -> String {
        var quoted = "\""
        for character in text {
            switch character {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            default: quoted.append(character)
            }
        }
        return quoted + "\""
    }
}
