import Foundation

/// An approval or denial of a step that needs one, or a cancel request: written to the audit
/// branch by whoever decides (`runbook runs approve|deny|cancel`), read by the process running
/// the run, which may be another one.
public struct Decision: Sendable, Codable, Equatable {
    public enum Verdict: String, Sendable, Codable {
        case approve, deny, cancel
    }

    public var verdict: Verdict
    /// Who decided: the actor recorded in the audit trail.
    public var by: String
    public var at: Date
    public var reason: String?

    public init(verdict: Verdict, by: String, at: Date, reason: String? = nil) {
        self.verdict = verdict
        self.by = by
        self.at = at
        self.reason = reason
    }
}
