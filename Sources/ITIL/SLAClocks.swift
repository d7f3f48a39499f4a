import Foundation

/// The SLA state of one incident: when response and resolution are due, whether each target was met once that is
/// decided, and the breaches recorded so far.
///
/// Due times are fixed at opening from the targets in force then (and moved only when impact or urgency changes), so
/// a later change of `config/sla.yaml` does not rewrite the history of existing incidents.
public struct SLAClocks: Sendable, Hashable, Codable {
    /// When someone must have responded; `nil` when the priority has no response target.
    public var responseDue: Date?
    /// When the incident must be resolved; `nil` when the priority has no resolution target.
    public var resolutionDue: Date?
    /// When the response clock stopped: the first move out of New.
    public var respondedAt: Date?
    /// Whether the response target was met; `nil` until decided (or when there is no target).
    public var responseMet: Bool?
    /// Whether the resolution target was met; `nil` until decided (or when there is no target), and again after a
    /// reopen, because the resolution that counted did not hold.
    public var resolutionMet: Bool?
    /// Targets missed, oldest first; never more than one of each kind.
    public var breaches: [SLABreach]

    /// Clocks with the given values; times are rounded to the millisecond.
    public init(
        responseDue: Date? = nil, resolutionDue: Date? = nil, respondedAt: Date? = nil,
        responseMet: Bool? = nil, resolutionMet: Bool? = nil, breaches: [SLABreach] = []
    ) {
        self.responseDue = responseDue.map(Timestamp.rounded)
        self.resolutionDue = resolutionDue.map(Timestamp.rounded)
        self.respondedAt = respondedAt.map(Timestamp.rounded)
        self.responseMet = responseMet
        self.resolutionMet = resolutionMet
        self.breaches = breaches
    }

    /// Clocks started at `openedAt` with `targets`.
    public init(openedAt: Date, targets: SLATargets) {
        self.init(
            responseDue: targets.response.map { openedAt + $0 },
            resolutionDue: targets.resolution.map { openedAt + $0 }
        )
    }

    /// When the target of `kind` is due, if it has one.
    public func due(_ kind: SLABreach.Kind) -> Date? {
        kind == .response ? responseDue : resolutionDue
    }

    /// Whether a breach of `kind` has been recorded.
    public func hasBreached(_ kind: SLABreach.Kind) -> Bool {
        breaches.contains { $0.kind == kind }
    }

    /// ServiceNow's `made_sla`: no target missed so far.
    public var madeSLA: Bool {
        breaches.isEmpty && responseMet != false && resolutionMet != false
    }

    enum CodingKeys: String, CodingKey {
        case breaches
        case responseDue = "response_due"
        case resolutionDue = "resolution_due"
        case respondedAt = "responded_at"
        case responseMet = "response_met"
        case resolutionMet = "resolution_met"
    }
}
