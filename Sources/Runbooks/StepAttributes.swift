/// The meaning of a step fence's attributes, with one message per problem.
///
/// Unknown attributes are errors rather than ignored: a misspelt `aprove=true` silently running a
/// destructive step without approval is exactly the failure a lint exists to prevent.
struct StepAttributes {
    static let known = ["id", "timeout", "retries", "retry-delay", "on-failure", "approve", "host", "hosts", "parallel", "tolerate", "run"]
    static let parallelRange = 1...100
    static let retryRange = 0...10

    var id: String?
    var timeout: TimeSpan?
    var retries = 0
    var retryDelay: TimeSpan?
    var onFailure = FailurePolicy.stop
    var approve = false
    var host: String?
    var hosts: HostSelector?
    var parallel = Step.defaultParallel
    var tolerate = 0
    var run = true
    /// Errors, each a full message.
    private(set) var problems: [String] = []
    /// Advice that does not block the runbook.
    private(set) var warnings: [String] = []

    init(_ attributes: [FenceInfo.Attribute]) {
        var seen: Set<String> = []
        for attribute in attributes {
            guard seen.insert(attribute.key).inserted else {
                problems.append("attribute '\(attribute.key)' is given more than once")
                continue
            }
            apply(attribute)
        }
        if retryDelay != nil, retries == 0, seen.contains("retry-delay") {
            warnings.append("retry-delay has no effect without retries")
        }
        if seen.contains("host"), seen.contains("hosts") {
            problems.append("give host= (one host) or hosts= (every host a selector matches), not both")
        }
        for key in ["parallel", "tolerate"] where seen.contains(key) && !seen.contains("hosts") {
            warnings.append("\(key) has no effect without hosts=")
        }
    }

    /// True if any attribute is one only a step would carry: the author meant this fence to run.
    static func looksLikeStep(_ attributes: [FenceInfo.Attribute]) -> Bool {
        attributes.contains { known.contains($0.key) && $0.key != "run" }
    }

    private mutating func apply(_ attribute: FenceInfo.Attribute) {
        let value = attribute.value
        switch attribute.key {
        case "id": id = checkedID(value)
        case "timeout": timeout = duration(value, for: "timeout")
        case "retry-delay": retryDelay = duration(value, for: "retry-delay")
        case "retries": retries = checkedRetries(value)
        case "on-failure": onFailure = choice(value, for: "on-failure") ?? .stop
        case "approve": approve = flag(value, for: "approve") ?? false
        case "run": run = flag(value, for: "run") ?? true
        case "host": host = checkedHost(value)
        case "hosts": hosts = checkedSelector(value)
        case "parallel": parallel = count(value, for: "parallel", in: Self.parallelRange) ?? parallel
        case "tolerate": tolerate = count(value, for: "tolerate", in: 0...10_000) ?? 0
        default: reportUnknown(attribute.key)
        }
    }

    private mutating func checkedID(_ value: String) -> String? {
        guard Slug.isValidStepID(value) else {
            problems.append("invalid step id '\(value)': use lowercase letters, digits, '.', '_' and '-' (^[a-z0-9][a-z0-9._-]*$)")
            return nil
        }
        return value
    }

    private mutating func duration(_ value: String, for key: String) -> TimeSpan? {
        guard let span = TimeSpan(parsing: value) else {
            problems.append("invalid \(key) '\(value)': use a positive duration like 500ms, 30s, 5m or 1h30m")
            return nil
        }
        return span
    }

    private mutating func checkedRetries(_ value: String) -> Int {
        guard let count = Int(value), Self.retryRange.contains(count) else {
            problems.append("invalid retries '\(value)': use a whole number from 0 to 10")
            return 0
        }
        return count
    }

    private mutating func choice(_ value: String, for key: String) -> FailurePolicy? {
        guard let policy = FailurePolicy(rawValue: value) else {
            problems.append("invalid \(key) '\(value)': use stop or continue")
            return nil
        }
        return policy
    }

    private mutating func flag(_ value: String, for key: String) -> Bool? {
        switch value {
        case "true": return true
        case "false": return false
        default:
            problems.append("invalid \(key) '\(value)': use true or false")
            return nil
        }
    }

    /// An inventory name, or `${NAME}` for a parameter (checked against the front matter by the parser).
    private mutating func checkedHost(_ value: String) -> String? {
        if let name = StepTarget.parameterName(in: value) {
            guard Parameter.problem(withName: name) == nil else {
                problems.append("invalid host '\(value)': ${NAME} must name a parameter (^[A-Z_][A-Z0-9_]*$)")
                return nil
            }
            return value
        }
        guard HostName.isValidName(value) else {
            problems.append("invalid host '\(value)': give an inventory host name (^[a-z0-9][a-z0-9._-]*$) or ${PARAMETER}; "
                + "addresses belong in \(Inventory.path)")
            return nil
        }
        return value
    }

    private mutating func checkedSelector(_ value: String) -> HostSelector? {
        guard let selector = HostSelector(parsing: value) else {
            problems.append("invalid hosts '\(value)': give inventory labels to match, like hosts=role=db,env=prod")
            return nil
        }
        return selector
    }

    private mutating func count(_ value: String, for key: String, in range: ClosedRange<Int>) -> Int? {
        guard let count = Int(value), range.contains(count) else {
            problems.append("invalid \(key) '\(value)': use a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return count
    }

    private mutating func reportUnknown(_ key: String) {
        if key.contains(where: \.isUppercase), key.uppercased() == key {
            problems.append("environment attribute '\(key)' is not allowed: parameters come from front matter params only")
        } else {
            var hint = Suggestion.hint(for: key, in: Self.known)
            // `{hosts=role=db,env=prod}` splits at the comma, which the fence syntax allows between attributes.
            if hosts != nil || problems.contains(where: { $0.hasPrefix("invalid hosts") }) {
                hint += "; quote a selector of several labels: hosts=\"role=db,env=prod\""
            }
            problems.append("unknown fence attribute '\(key)'\(hint) (known: \(Self.known.joined(separator: ", ")))")
        }
    }
}
