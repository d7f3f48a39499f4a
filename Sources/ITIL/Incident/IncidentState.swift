/// Where an incident is in its life, with ServiceNow's names and state codes.
///
/// The raw value is the spelling used in files, the API and the CLI (`in-progress`); ``code`` is ServiceNow's number.
public enum IncidentState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Opened and not yet picked up by anyone (code 1).
    case new
    /// Someone, or automation, is working on it (code 2).
    case inProgress = "in-progress"
    /// Waiting for something outside the team; always carries a ``HoldReason`` (code 3).
    case onHold = "on-hold"
    /// Service restored, with a close code and notes; reopens or closes from here (code 6).
    case resolved
    /// Final: the resolution was accepted, or the resolved incident aged out (code 7).
    case closed
    /// Final: opened by mistake or not needed (code 8).
    case canceled

    /// ServiceNow's numeric state: 1, 2, 3, 6, 7 or 8.
    public var code: Int {
        switch self {
        case .new: 1
        case .inProgress: 2
        case .onHold: 3
        case .resolved: 6
        case .closed: 7
        case .canceled: 8
        }
    }

    /// The name a person reads: "In Progress".
    public var title: String {
        switch self {
        case .new: "New"
        case .inProgress: "In Progress"
        case .onHold: "On Hold"
        case .resolved: "Resolved"
        case .closed: "Closed"
        case .canceled: "Canceled"
        }
    }

    /// Whether the incident still needs work: not Resolved, Closed or Canceled.
    ///
    /// This is also the dedup rule: a repeated alert joins an open incident and opens a new one otherwise.
    public var isOpen: Bool {
        switch self {
        case .new, .inProgress, .onHold: true
        case .resolved, .closed, .canceled: false
        }
    }

    /// Whether nothing more can happen to the incident (Closed, Canceled).
    public var isFinal: Bool {
        self == .closed || self == .canceled
    }

    /// Same as ``title``.
    public var description: String { title }

    /// Reads what a person types: "in-progress", "In Progress", "in_progress", "inprogress", "2", "cancelled", ….
    ///
    /// Case, spaces, `-` and `_` are ignored, ServiceNow's codes are accepted, and so is the British "cancelled",
    /// because the CLI and webhooks pass on whatever their users wrote.
    public init?(parsing text: some StringProtocol) {
        let key = TextKey.normalized(text)
        if let code = Int(key), let state = Self.allCases.first(where: { $0.code == code }) {
            self = state
            return
        }
        if key == "cancelled" {
            self = .canceled
            return
        }
        guard let state = Self.allCases.first(where: { $0.rawValue.filter { $0 != "-" } == key }) else {
            return nil
        }
        self = state
    }

    /// The spellings ``init(parsing:)`` documents, for error messages.
    public static var spellings: String {
        allCases.map(\.rawValue).joined(separator: ", ")
    }
}
