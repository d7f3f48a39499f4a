import Foundation
import ITIL

/// What the engine does next for one incident, worked out from its record and its escalation state alone.
extension EscalationEngine {
    /// One thing to do for an incident.
    enum Action: Equatable {
        /// Start the policy from level 1 (cycle 1 on opening, the next on a reopen or a withdrawn acknowledgement).
        case start(policy: Roster.Policy, cycle: Int)
        /// Nobody acknowledged within the level's wait: page the next level, or the first of the next round.
        case advance
        /// Send these planned notifications (their time has come).
        case send([String])
        /// The acknowledgement lapsed (a snooze ended, or the acknowledgement timeout passed): withdraw it.
        case withdraw(reason: String)
        /// The incident was resolved: tell whoever was paged in the current cycle.
        case notifyResolution
    }

    /// The next action for `incident`, or nil when nothing is due at `now`.
    func decide(_ incident: Incident, _ state: EscalationState?, restart: Bool, at now: Date) -> Action? {
        guard incident.silencedBy == nil else { return nil }
        guard incident.state.isOpen else {
            guard let state else { return nil }
            if !state.resolutionNotified { return .notifyResolution }
            return dueSends(state, of: .resolved, at: now)
        }
        if incident.acknowledgedBy != nil {
            return lapse(of: incident, at: now).map { .withdraw(reason: $0.reason) }
        }
        guard let state else {
            return roster.policy(incident).map { .start(policy: $0, cycle: 1) }
        }
        if restart || state.reopenCount < incident.reopenCount {
            let policy = roster.policyNamed(state.policy) ?? roster.policy(incident)
            return policy.map { .start(policy: $0, cycle: state.cycle + 1) }
        }
        if let send = dueSends(state, of: .page, at: now) { return send }
        if !state.exhausted, let next = state.nextLevelAt, next <= now { return .advance }
        return nil
    }

    /// When something is next due for an incident: a planned notification, the next level, or the end of an
    /// acknowledgement. Nil when nothing will be.
    func wake(_ number: IncidentNumber, _ state: EscalationState, at now: Date) -> Date? {
        if let retry = retryAt[number] { return retry }
        guard let incident = try? store.incident(number), incident.silencedBy == nil else { return nil }
        guard incident.state.isOpen else {
            return state.resolutionNotified ? earliestSend(state, of: .resolved) : now
        }
        if incident.acknowledgedBy != nil { return lapse(of: incident, at: .distantFuture)?.at }
        let next = state.exhausted ? nil : state.nextLevelAt
        return [earliestSend(state, of: .page), next].compactMap { $0 }.min()
    }

    /// When and why an incident's acknowledgement lapses, if it does by `now`.
    private func lapse(of incident: Incident, at now: Date) -> (at: Date, reason: String)? {
        if let until = incident.snoozedUntil {
            return until <= now ? (until, "the snooze ended") : nil
        }
        guard let timeout = roster.acknowledgementTimeout, let acknowledged = incident.acknowledgedAt else { return nil }
        let due = acknowledged + timeout
        return due <= now ? (due, "not resolved within \(DurationText.format(timeout)) of its acknowledgement") : nil
    }

    /// Planned notifications whose time has come and that are not on their way (digests go out on their own).
    /// Pages are sent only while the incident is open and unacknowledged, resolution notices only once it is not open:
    /// a page an acknowledgement overtook stays unsent.
    private func dueSends(_ state: EscalationState, of kind: PlannedNotification.Kind, at now: Date) -> Action? {
        let keys = state.outstanding.filter { $0.cycle == state.cycle && $0.kind == kind && !$0.digest && $0.due <= now && !inFlight.contains($0.key) }.map(\.key)
        return keys.isEmpty ? nil : .send(keys)
    }

    private func earliestSend(_ state: EscalationState, of kind: PlannedNotification.Kind) -> Date? {
        state.outstanding.filter { $0.cycle == state.cycle && $0.kind == kind && !inFlight.contains($0.key) }.map { $0.digest ? $0.due + digestDelay : $0.due }.min()
    }
}
