import Foundation
import ITIL

/// Sending planned notifications and recording how they went; digests for people paged by a storm.
extension EscalationEngine {
    /// Sends one planned notification in a task of its own: a slow receiver delays nothing else.
    func send(_ key: String, of number: IncidentNumber) {
        guard !inFlight.contains(key), states[number]?.notifications.contains(where: { $0.key == key }) == true else { return }
        inFlight.insert(key)
        guard deliveries.count < maximumDeliveries else {
            waitingDeliveries.push(key, of: number)
            return
        }
        start(key, of: number)
    }

    /// Starts a delivery that holds a place; one whose notification or incident is gone gives it up.
    private func start(_ key: String, of number: IncidentNumber) {
        guard let notification = states[number]?.notifications.first(where: { $0.key == key }),
              let incident = try? store.incident(number) else {
            inFlight.remove(key)
            startWaiting()
            return
        }
        deliveries[key] = Task {
            let outcome = await courier.deliver(notification, about: incident, digest: [])
            await self.record([(number, key, outcome)])
        }
    }

    /// Records outcomes, one commit per incident, and forgets the deliveries.
    func record(_ outcomes: [(number: IncidentNumber, key: String, outcome: PlannedNotification.Outcome)]) async {
        for (number, group) in Dictionary(grouping: outcomes, by: \.number) {
            guard states[number] != nil else { continue }
            var lines: [String] = []
            for item in group {
                guard let index = states[number]!.notifications.firstIndex(where: { $0.key == item.key }) else { continue }
                states[number]!.notifications[index].outcome = item.outcome
                let notification = states[number]!.notifications[index]
                lines.append("\(notification.recipient) by \(notification.method): \(item.outcome.detail)")
            }
            let failed = group.filter { !$0.outcome.delivered }.count
            let verb = failed == 0 ? "notified" : failed == group.count ? "notification failed" : "notified (\(failed) failed)"
            do {
                try await write(states[number]!, of: number, event: .notified, subject: "\(verb): \(lines.joined(separator: "; "))")
            } catch {
                // The outcome is lost, not the notification: a restart sends it again under the same key.
                logger.error("recording a notification failed", metadata: ["incident": "\(number)", "error": "\(error)"])
            }
        }
        for item in outcomes {
            inFlight.remove(item.key)
            deliveries[item.key] = nil
        }
        startWaiting()
        let now = clock()
        for number in Set(outcomes.map(\.number)) { rewake(number, at: now) }
    }

    // MARK: - Storms

    /// Whether `person` was paged for more than the storm limit of other incidents within its window before `now`.
    func inStorm(_ person: String, excluding incident: IncidentNumber, at now: Date) -> Bool {
        guard let storm = roster.storm else { return false }
        let since = now - storm.within
        // Pages older than the window no longer count: forget them (future ones, a rule's delays, stay).
        recentPages[person]?.removeAll { $0.at < since }
        let incidents = Set((recentPages[person] ?? []).filter { $0.at <= now && $0.incident != incident }.map(\.incident))
        return incidents.count >= storm.incidents
    }

    /// Sends each recipient's held-back pages as one notification per method, once the oldest has waited
    /// ``digestDelay``; pages of incidents acknowledged or resolved meanwhile are dropped from it.
    func flushDigests(at now: Date) async {
        var groups: [String: [(number: IncidentNumber, notification: PlannedNotification)]] = [:]
        for number in digestPending {
            let held = states[number]?.outstanding.filter(\.digest) ?? []
            guard !held.isEmpty, let incident = try? store.incident(number), incident.state.isOpen, incident.acknowledgedBy == nil else {
                digestPending.remove(number)
                continue
            }
            for notification in held where !inFlight.contains(notification.key) {
                groups[notification.recipient + "\u{0}" + notification.method, default: []].append((number, notification))
            }
        }
        for (_, items) in groups {
            guard let oldest = items.map(\.notification.due).min(), oldest + digestDelay <= now else { continue }
            let incidents = items.compactMap { try? store.incident($0.number) }
            guard let first = items.first, let lead = incidents.first else { continue }
            for item in items { inFlight.insert(item.notification.key) }
            let key = "digest/" + first.notification.key
            deliveries[key] = Task {
                let outcome = await courier.deliver(first.notification, about: lead, digest: incidents)
                let detail = "in a digest of \(items.count): \(outcome.detail)"
                let each = PlannedNotification.Outcome(delivered: outcome.delivered, detail: detail, attempts: outcome.attempts, at: outcome.at)
                await self.record(items.map { ($0.number, $0.notification.key, each) })
                self.forget(key)
            }
        }
    }

    private func forget(_ key: String) {
        deliveries[key] = nil
        startWaiting()
    }

    /// Gives free places to waiting deliveries, oldest first.
    private func startWaiting() {
        while deliveries.count < maximumDeliveries, let next = waitingDeliveries.pop() {
            start(next.key, of: next.number)
        }
    }
}
