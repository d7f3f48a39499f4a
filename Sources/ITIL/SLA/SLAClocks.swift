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
    /// When the response clock stopped: a person's first acknowledgement or transition.
    public var respondedAt: Date?
    /// Who that person was.
    public var respondedBy: String?
    /// Whether the response target was met; `nil` until decided (or when there is no target).
    public var responseMet: Bool?
    /// Whether the resolution target was met; `nil` until decided (or when there is no target), and again after a
    /// reopen, because the resolution that counted did not hold.
    public var resolutionMet: Bool?
    /// Targets missed, oldest first; never more than one of each kind.
    public var breaches: [SLABreach]
    /// Since when the resolution clock is paused: the incident is On Hold (waiting for the caller, a
    /// vendor, a change), which is not time the resolvers can use. Nil while it runs.
    public var resolutionPausedAt: Date?
    /// How long the resolution clock was paused before, in seconds; nil if it never was.
    public var resolutionPausedFor: TimeInterval?

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

    /// Stops the resolution clock at `time` (the incident went On Hold).
    mutating func pauseResolution(at time: Date) {
        guard resolutionPausedAt == nil else { return }
        resolutionPausedAt = Timestamp.rounded(time)
    }

    /// Starts the resolution clock again at `time`: the due time moves by the pause, unless the target
    /// was already missed before it.
    mutating func resumeResolution(at time: Date) {
        guard let pausedAt = resolutionPausedAt else { return }
        let pause = max(0, Timestamp.rounded(time).timeIntervalSince(pausedAt))
        resolutionPausedFor = (resolutionPausedFor ?? 0) + pause
        if let due = resolutionDue, !hasBreached(.resolution) { resolutionDue = Timestamp.rounded(due + pause) }
        resolutionPausedAt = nil
    }

    /// Whether the target of `kind` is paused with time still left on it, so it cannot be missed now.
    public func isPaused(_ kind: SLABreach.Kind) -> Bool {
        guard kind == .resolution, let pausedAt = resolutionPausedAt, let due = resolutionDue else { return false }
        return due > pausedAt
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
        case respondedBy = "responded_by"
        case responseMet = "response_met"
        case resolutionMet = "resolution_met"
        case resolutionPausedAt = "resolution_paused_at"
        case resolutionPausedFor = "resolution_paused_seconds"
    }
}
