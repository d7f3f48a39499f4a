import Foundation

/// The SLA targets per priority and how long Resolved incidents wait before closing, as configured in the wiki
/// (`config/sla.yaml`, see ``init(yaml:path:)``), so that changing them is a reviewed commit.
public struct SLAPolicy: Sendable, Hashable {
    /// Targets for each priority; a priority missing here has no targets.
    public var targets: [Priority: SLATargets]
    /// How long an incident stays Resolved before it closes by itself; `nil` never closes automatically.
    public var autoCloseAfter: TimeInterval?

    /// A policy with the given values.
    public init(targets: [Priority: SLATargets], autoCloseAfter: TimeInterval?) {
        self.targets = targets
        self.autoCloseAfter = autoCloseAfter
    }

    /// The common defaults: P1 respond 15 min / resolve 4 h, P2 1 h / 8 h, P3 4 h / 3 days, P4 1 day / 5 days,
    /// P5 none; Resolved incidents close after 72 hours.
    public static let standard = SLAPolicy(
        targets: [
            .critical: SLATargets(response: 15 * 60, resolution: 4 * 3600),
            .high: SLATargets(response: 3600, resolution: 8 * 3600),
            .moderate: SLATargets(response: 4 * 3600, resolution: 3 * 86_400),
            .low: SLATargets(response: 86_400, resolution: 5 * 86_400),
            .planning: .none,
        ],
        autoCloseAfter: 72 * 3600
    )

    /// The targets of `priority`.
    public func targets(for priority: Priority) -> SLATargets {
        targets[priority] ?? .none
    }

    /// When an incident of `priority` opened at `openedAt` must be responded to and resolved.
    public func dueDates(for priority: Priority, openedAt: Date) -> (response: Date?, resolution: Date?) {
        let clocks = SLAClocks(openedAt: openedAt, targets: targets(for: priority))
        return (clocks.responseDue, clocks.resolutionDue)
    }

    /// The breaches of `incident` that are due at `now` and not yet recorded, response first.
    ///
    /// Only open incidents breach. The response clock stops at the first move out of New; the resolution clock at
    /// resolving. Apply each as ``IncidentEvent/slaBreached(_:)`` to record it.
    public func breaches(of incident: Incident, at now: Date) -> [SLABreach] {
        guard incident.state.isOpen else { return [] }
        return SLABreach.Kind.allCases.compactMap { kind in
            guard let due = incident.sla.due(kind), due <= now, !incident.sla.hasBreached(kind) else { return nil }
            if kind == .response && incident.sla.respondedAt != nil { return nil }
            if incident.sla.isPaused(kind) { return nil }
            return SLABreach(kind: kind, due: due, recordedAt: now)
        }
    }

    /// The next time something falls due for `incident`: a target ``breaches(of:at:)`` would record then, or its
    /// auto-close; nil when nothing will (closed, paused, or every target decided).
    public func nextDeadline(of incident: Incident) -> Date? {
        var times: [Date] = []
        if incident.state.isOpen {
            for kind in SLABreach.Kind.allCases {
                guard let due = incident.sla.due(kind), !incident.sla.hasBreached(kind), !incident.sla.isPaused(kind) else { continue }
                if kind == .response && incident.sla.respondedAt != nil { continue }
                times.append(due)
            }
        }
        if let close = autoCloseDue(for: incident) { times.append(close) }
        return times.min()
    }

    /// When `incident` closes by itself: ``autoCloseAfter`` after it was resolved; `nil` unless it is Resolved and
    /// auto-close is on.
    public func autoCloseDue(for incident: Incident) -> Date? {
        guard incident.state == .resolved, let resolvedAt = incident.resolvedAt, let autoCloseAfter else { return nil }
        return resolvedAt + autoCloseAfter
    }
}
