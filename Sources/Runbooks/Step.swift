/// One executable fenced code block of a runbook, with the attributes from its info string.
public struct Step: Sendable, Equatable, Codable {
    /// Unique in the runbook: the `id=` attribute, else a slug of the title (`-2`, `-3` for repeats).
    public var id: String
    /// The nearest heading above the fence, or `Step N` when there is none.
    public var title: String
    /// The paragraphs between that heading (or the previous step) and the fence, as plain text.
    public var description: String
    /// The fence language as written: `sh`, `bash`, `python3`, `python` (meaning python3), `perl`.
    public var language: String
    /// The fence content, exactly as cmark delivers it (ends with a newline unless empty).
    public var code: String
    /// The 1-based line of the opening fence in the file.
    public var line: Int
    /// How long one attempt may take (`timeout=`).
    public var timeout: TimeSpan?
    /// How many times a failed attempt is retried (`retries=`, 0...10).
    public var retries: Int
    /// The pause between attempts (`retry-delay=`).
    public var retryDelay: TimeSpan?
    /// What the run does when the step fails for good (`on-failure=`).
    public var onFailure: FailurePolicy
    /// Whether a person must approve the step before it runs (`approve=true`).
    public var approve: Bool
    /// The inventory host to run on (`host=db1`), or a parameter naming one (`host=${HOST}`); `nil` runs it on the server.
    public var host: String?
    /// The inventory hosts to run on, each in parallel (`hosts=role=db,env=prod`).
    public var hosts: HostSelector?
    /// How many hosts of `hosts` run at once (`parallel=`).
    public var parallel: Int
    /// How many hosts of `hosts` may fail with the step still succeeding (`tolerate=`).
    public var tolerate: Int

    /// The JSON keys: snake_case like the rest of the API, spelt out so that renaming a property cannot change the wire format.
    private enum CodingKeys: String, CodingKey {
        case id, title, description, language, code, line, timeout, retries, approve, host, hosts, parallel, tolerate
        case retryDelay = "retry_delay"
        case onFailure = "on_failure"
    }

    /// Creates a step; attribute defaults match an info string without attributes.
    public init(
        id: String, title: String, description: String = "", language: String, code: String, line: Int,
        timeout: TimeSpan? = nil, retries: Int = 0, retryDelay: TimeSpan? = nil, onFailure: FailurePolicy = .stop,
        approve: Bool = false, host: String? = nil, hosts: HostSelector? = nil, parallel: Int = Step.defaultParallel, tolerate: Int = 0
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.language = language
        self.code = code
        self.line = line
        self.timeout = timeout
        self.retries = retries
        self.retryDelay = retryDelay
        self.onFailure = onFailure
        self.approve = approve
        self.host = host
        self.hosts = hosts
        self.parallel = parallel
        self.tolerate = tolerate
    }

    /// How many hosts a fanned-out step runs on at once unless it says (`parallel=`).
    public static let defaultParallel = 10

    /// Where the step runs.
    public var target: StepTarget {
        if let hosts { return .hosts(hosts) }
        guard let host else { return .server }
        if let name = StepTarget.parameterName(in: host) { return .hostParameter(name) }
        return .host(host)
    }
}

/// Where a step runs: on the server, on one inventory host (named, or chosen by a parameter), or on every host a
/// selector matches.
public enum StepTarget: Sendable, Equatable {
    case server
    case host(String)
    /// `host=${NAME}`: the parameter's value, which must be an inventory name.
    case hostParameter(String)
    case hosts(HostSelector)

    /// `NAME` of `${NAME}`, if `text` is exactly that.
    static func parameterName(in text: String) -> String? {
        guard text.hasPrefix("${"), text.hasSuffix("}"), text.count > 3 else { return nil }
        return String(text.dropFirst(2).dropLast())
    }
}
