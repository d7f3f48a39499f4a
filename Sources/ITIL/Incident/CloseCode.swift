/// How an incident was resolved: ServiceNow's eight resolution codes. Resolving always needs one.
public enum CloseCode: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The incident repeats another one.
    case duplicate
    /// A known error: documented, no fix yet.
    case knownError = "known-error"
    /// Closed without a resolution (e.g. it went away by itself).
    case noResolutionProvided = "no-resolution-provided"
    /// The caller fixed it.
    case resolvedByCaller = "resolved-by-caller"
    /// A change fixed it.
    case resolvedByChange = "resolved-by-change"
    /// Fixing a problem record fixed it.
    case resolvedByProblem = "resolved-by-problem"
    /// The team fixed it.
    case solutionProvided = "solution-provided"
    /// A workaround restored service; the cause remains.
    case workaroundProvided = "workaround-provided"

    /// ServiceNow's canonical text: "Solution provided".
    public var title: String {
        switch self {
        case .duplicate: "Duplicate"
        case .knownError: "Known error"
        case .noResolutionProvided: "No resolution provided"
        case .resolvedByCaller: "Resolved by caller"
        case .resolvedByChange: "Resolved by change"
        case .resolvedByProblem: "Resolved by problem"
        case .solutionProvided: "Solution provided"
        case .workaroundProvided: "Workaround provided"
        }
    }

    /// Same as ``title``.
    public var description: String { title }

    /// Reads "solution-provided", "Solution provided", "SOLUTION_PROVIDED", … in any case.
    public init?(parsing text: some StringProtocol) {
        let key = TextKey.normalized(text)
        guard let code = Self.allCases.first(where: { TextKey.normalized($0.rawValue) == key }) else { return nil }
        self = code
    }

    /// The spellings ``init(parsing:)`` accepts, for error messages.
    public static var spellings: String {
        allCases.map(\.rawValue).joined(separator: ", ")
    }
}
