/// Why an incident is On Hold; ServiceNow's four reasons. An incident is never On Hold without one.
public enum HoldReason: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Waiting for the person who reported it to answer.
    case awaitingCaller = "awaiting-caller"
    /// Waiting for a change to be implemented.
    case awaitingChange = "awaiting-change"
    /// Waiting for the underlying problem to be fixed.
    case awaitingProblem = "awaiting-problem"
    /// Waiting for a vendor or supplier.
    case awaitingVendor = "awaiting-vendor"

    /// "Awaiting Caller".
    public var title: String {
        switch self {
        case .awaitingCaller: "Awaiting Caller"
        case .awaitingChange: "Awaiting Change"
        case .awaitingProblem: "Awaiting Problem"
        case .awaitingVendor: "Awaiting Vendor"
        }
    }

    /// Same as ``title``.
    public var description: String { title }

    /// Reads "awaiting-caller", "Awaiting Caller", or just "caller", in any case.
    public init?(parsing text: some StringProtocol) {
        let key = TextKey.normalized(text)
        guard let reason = Self.allCases.first(where: { key == TextKey.normalized($0.rawValue) || "awaiting" + key == TextKey.normalized($0.rawValue) })
        else { return nil }
        self = reason
    }

    /// The spellings ``init(parsing:)`` accepts, for error messages.
    public static var spellings: String {
        allCases.map(\.rawValue).joined(separator: ", ")
    }
}
