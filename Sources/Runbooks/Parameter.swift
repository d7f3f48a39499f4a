/// A runbook input, declared in front matter `params:`, that reaches steps only as an environment variable.
///
/// Parameters are never substituted into command text: alert labels are attacker-controlled, and an
/// environment variable cannot change the shape of a command the way text substitution can.
public struct Parameter: Sendable, Equatable, Codable {
    /// The environment variable name: `^[A-Z_][A-Z0-9_]*$`, not `RUNBOOK_*`, not a name the shell or loader obeys.
    public var name: String
    /// The alert label or annotation that supplies the value, if any.
    public var source: ParameterSource?
    /// Whether a run is refused when no value can be found.
    public var required: Bool
    /// The value used when the source supplies none (never together with `required`).
    public var defaultValue: String?
    /// A regular expression the value must match, applied as written: the author anchors it (`^...$`).
    /// `$` matches only at the very end, so a trailing newline does not slip through.
    public var pattern: String?
    /// A human explanation shown in the UI.
    public var description: String?

    /// Whether the value comes from the data directory's secrets (`from: secret.NAME`): never given by hand or by a
    /// schedule, never recorded, redacted from what steps print.
    public var isSecret: Bool {
        if case .secret = source { true } else { false }
    }

    /// The largest value accepted: environment variables beyond this are a mistake or an attack.
    public static let maximumValueBytes = 64 * 1024

    /// The pattern compiled at parse time; `nil` without a pattern.
    private var compiledPattern: CompiledRegex?

    /// The JSON keys, snake_case like the rest of the API.
    private enum CodingKeys: String, CodingKey {
        case name, source, required, pattern, description
        case defaultValue = "default_value"
    }

    /// Creates a parameter; throws the regex parser's message when `pattern` does not compile.
    public init(
        name: String, source: ParameterSource? = nil, required: Bool = false, defaultValue: String? = nil,
        pattern: String? = nil, description: String? = nil
    ) throws {
        self.name = name
        self.source = source
        self.required = required
        self.defaultValue = defaultValue
        self.pattern = pattern
        self.description = description
        // Compiled here, once, so a bad pattern is a lint error at parse time rather than a failed run.
        self.compiledPattern = try pattern.map { try CompiledRegex.compile($0) }
    }

    /// Decodes and recompiles the pattern.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            name: container.decode(String.self, forKey: .name),
            source: container.decodeIfPresent(ParameterSource.self, forKey: .source),
            required: container.decode(Bool.self, forKey: .required),
            defaultValue: container.decodeIfPresent(String.self, forKey: .defaultValue),
            pattern: container.decodeIfPresent(String.self, forKey: .pattern),
            description: container.decodeIfPresent(String.self, forKey: .description)
        )
    }

    /// Encodes everything but the compiled pattern.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(source, forKey: .source)
        try container.encode(required, forKey: .required)
        try container.encodeIfPresent(defaultValue, forKey: .defaultValue)
        try container.encodeIfPresent(pattern, forKey: .pattern)
        try container.encodeIfPresent(description, forKey: .description)
    }

    /// Equal when all declared fields are; the compiled pattern follows from `pattern`.
    public static func == (lhs: Parameter, rhs: Parameter) -> Bool {
        lhs.name == rhs.name && lhs.source == rhs.source && lhs.required == rhs.required
            && lhs.defaultValue == rhs.defaultValue && lhs.pattern == rhs.pattern && lhs.description == rhs.description
    }

    /// Checks a candidate value before it goes into a step's environment.
    ///
    /// - Returns: `nil` if the value is acceptable, otherwise a message naming the parameter
    ///   (NUL byte, too large, or not matching `pattern`). The value itself is not echoed in full,
    ///   because it may be large or hostile.
    public func validate(_ value: String) -> String? {
        if value.utf8.contains(0) {
            return "parameter \(name): value contains a NUL byte"
        }
        if value.utf8.count > Self.maximumValueBytes {
            return "parameter \(name): value is \(value.utf8.count) bytes, more than the limit of \(Self.maximumValueBytes)"
        }
        if let compiledPattern, !compiledPattern.containsMatch(value) {
            return "parameter \(name): value \(Self.excerpt(value)) does not match pattern '\(compiledPattern.source)'"
        }
        return nil
    }

    /// Variables the shell, the dynamic loader or our own executor interpret: letting an alert set them would
    /// hand it control over how every step runs.
    public static let reservedNames: Set<String> = [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "IFS", "ENV", "BASH_ENV", "CDPATH", "PS4", "PROMPT_COMMAND",
        "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PERL5LIB",
        "PERL5OPT", "PERLLIB", "TMPDIR", "LANG", "LC_ALL", "TZ", "SHELLOPTS", "BASHOPTS", "GLOBIGNORE",
    ]

    /// Why `name` cannot be a parameter name, or `nil` if it can.
    static func problem(withName name: String) -> String? {
        let valid = name.unicodeScalars.first.map { !("0"..."9").contains($0) } == true
            && name.unicodeScalars.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
        if !valid {
            return "invalid parameter name '\(name)': parameters are environment variables, use ^[A-Z_][A-Z0-9_]*$"
        }
        if name.hasPrefix("RUNBOOK_") {
            return "parameter name '\(name)' is reserved: RUNBOOK_* variables are set by the executor"
        }
        if reservedNames.contains(name) || name.hasPrefix("LD_") || name.hasPrefix("BASH_FUNC_") {
            return "parameter name '\(name)' is reserved: an alert must not control how the shell or loader behaves"
        }
        return nil
    }

    /// A short, quoted, single-line rendering of a value for messages.
    private static func excerpt(_ value: String) -> String {
        let escaped = Matcher.quote(String(value.prefix(80)))
        return value.count > 80 ? escaped + "…" : escaped
    }
}
