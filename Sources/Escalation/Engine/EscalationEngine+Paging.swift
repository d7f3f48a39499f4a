import Foundation
import ITIL
import Wiki

/// Acting on a decision: every change of the escalation is committed before anything is sent.
extension EscalationEngine {
    /// Acts on `number` until nothing more is due; one incident at a time, never twice at once.
    func reconcile(_ number: IncidentNumber, restart: Bool, at now: Date) async {
        guard !busy.contains(number) else {
            inbox.withLock { _ = $0.dirty.insert(number) }
            return
        }
        if let retry = retryAt[number], retry > now { return }
        retryAt[number] = nil
        busy.insert(number)
        defer {
            busy.remove(number)
            rewake(number, at: now)
        }
        var restart = restart
        // A few rounds at most: start, then send what level 1 sends at once; or advance, then send.
        guard let incident = try? store.incident(number) else { return }
        if states[number] == nil, incident.reopenCount > 0 { states[number] = storedState(of: number) }
        for _ in 0..<4 {
            guard let incident = try? store.incident(number) else { return }
            guard let action = decide(incident, states[number], restart: restart, at: now) else {
                forgetIfDone(incident)
                return
            }
            restart = false
            do {
                try await act(action, on: incident, at: now)
                if case .withdraw = action { return }
            } catch {
                logger.error("escalation write failed", metadata: ["incident": "\(number)", "error": "\(error)"])
                retryAt[number] = now + Self.retryDelay
                return
            }
        }
    }

    /// An escalation that has nothing more to do leaves memory; a reopen reads it back from the audit branch.
    private func forgetIfDone(_ incident: Incident) {
        guard !incident.state.isOpen, let state = states[incident.number], state.resolutionNotified,
              !state.outstanding.contains(where: { $0.kind == .resolved && $0.cycle == state.cycle }) else { return }
        states[incident.number] = nil
        digestPending.remove(incident.number)
    }

    /// The incident's escalation as the audit branch holds it.
    func storedState(of number: IncidentNumber) -> EscalationState? {
        guard let tip = store.feed.tip, let data = try? store.reader.readFile(EscalationFolder.state(of: number), at: tip) else {
            return nil
        }
        return try? EscalationState.decode(data)
    }

    private func act(_ action: Action, on incident: Incident, at now: Date) async throws {
        let number = incident.number
        switch action {
        case .start(let policy, let cycle):
            var state = EscalationState(
                policy: policy.name, cycle: cycle, cycleStartedAt: now, reopenCount: incident.reopenCount, level: 0, round: 0,
                nextLevelAt: nil, exhausted: false, resolutionNotified: false, notifications: states[number]?.notifications ?? [])
            // Only an incident's first cycle waits for automation: a re-page after a lapsed acknowledgement does not.
            if cycle == 1, policy.pageAfter > 0 {
                state.nextLevelAt = incident.openedAt + policy.pageAfter
                try await commit(state, of: incident, event: .escalationScheduled,
                                 subject: "escalation scheduled: level 1 pages at \(Timestamp.format(state.nextLevelAt!)) unless resolved first",
                                 trailers: [Trailer("Escalation-Policy", policy.name)])
                return
            }
            try await page(&state, level: 1, round: 0, policy: policy, incident: incident, at: now,
                           reason: cycle == 1 ? "" : " (escalation starts over, cycle \(cycle))")
        case .advance:
            guard var state = states[number] else { return }
            guard let policy = roster.policyNamed(state.policy), let next = Self.next(after: state, in: policy) else {
                state.exhausted = true
                state.nextLevelAt = nil
                try await commit(state, of: incident, event: .escalationExhausted,
                                 subject: "escalation exhausted: nobody acknowledged after level \(state.level)")
                return
            }
            let reason = state.level == 0 ? " (not resolved within \(DurationText.format(policy.pageAfter)))"
                : " (nobody acknowledged level \(state.level))"
            try await page(&state, level: next.level, round: next.round, policy: policy, incident: incident, at: now, reason: reason)
        case .send(let keys):
            for key in keys { send(key, of: number) }
        case .withdraw(let reason):
            // The feed's `unacknowledged` event starts the escalation over, as a person's would.
            _ = try await store.apply([.noteAdded("acknowledgement lapsed: \(reason)"), .unacknowledged], to: number,
                                      actor: Automation.actor)
        case .notifyResolution:
            guard var state = states[number] else { return }
            let told = Self.paged(in: state)
            for page in told {
                state.notifications.append(PlannedNotification(
                    incident: number.description, kind: .resolved, cycle: state.cycle, level: state.level, round: state.round,
                    recipient: page.recipient, method: page.method, due: now))
            }
            state.resolutionNotified = true
            state.nextLevelAt = nil
            let names = Set(told.map(\.recipient)).sorted().joined(separator: ", ")
            try await commit(state, of: incident, event: .paged,
                             subject: told.isEmpty ? "escalation ended: \(incident.state.title)" : "\(incident.state.title): telling \(names)")
        }
    }

    /// Plans level `level` of round `round` and commits it; the notifications due at once are sent by the next round
    /// of ``reconcile(_:restart:at:)``.
    private func page(
        _ state: inout EscalationState, level: Int, round: Int, policy: Roster.Policy, incident: Incident, at now: Date,
        reason: String
    ) async throws {
        let pages = roster.pages(policy.name, level, now)
        let wait = policy.waits.indices.contains(level - 1) ? policy.waits[level - 1] : 0
        state.level = level
        state.round = round
        state.nextLevelAt = now + wait
        for page in pages {
            let digest = page.recipient.hasPrefix(PlannedNotification.channelPrefix)
                ? false : inStorm(page.recipient, excluding: incident.number, at: now)
            if digest { digestPending.insert(incident.number) }
            if roster.storm != nil, !page.recipient.hasPrefix(PlannedNotification.channelPrefix) {
                recentPages[page.recipient, default: []].append((now + page.after, incident.number))
            }
            state.notifications.append(PlannedNotification(
                incident: incident.number.description, kind: .page, cycle: state.cycle, level: level, round: round,
                recipient: page.recipient, method: page.method, due: now + page.after, digest: digest))
        }
        let who = pages.isEmpty ? "nobody is on call" : Self.describe(pages)
        let roundText = round > 0 ? ", round \(round + 1)" : ""
        try await commit(state, of: incident, event: .paged, subject: "paged level \(level)\(roundText): \(who)\(reason)",
                         trailers: [Trailer("Escalation-Policy", policy.name), Trailer("Escalation-Level", "\(level)"),
                                    Trailer("Escalation-Round", "\(round)")])
    }

    /// The level and round after the state's, or nil when it was the last level of the last round.
    static func next(after state: EscalationState, in policy: Roster.Policy) -> (level: Int, round: Int)? {
        if state.level < policy.waits.count { return (state.level + 1, state.round) }
        if state.round < policy.repeats { return (1, state.round + 1) }
        return nil
    }

    /// Who was reached by a page in the current cycle, each by the first method that reached them.
    static func paged(in state: EscalationState) -> [Roster.Page] {
        var seen = Set<String>()
        return state.currentCycle.filter { $0.kind == .page && $0.outcome?.delivered == true }.compactMap { notification in
            seen.insert(notification.recipient).inserted
                ? Roster.Page(recipient: notification.recipient, method: notification.method) : nil
        }
    }

    /// `alice by hook, voice; bob by mail`.
    static func describe(_ pages: [Roster.Page]) -> String {
        var order: [String] = []
        var methods: [String: [String]] = [:]
        for page in pages {
            if methods[page.recipient] == nil { order.append(page.recipient) }
            methods[page.recipient, default: []].append(page.method)
        }
        return order.map { "\($0) by \(methods[$0]!.joined(separator: ", "))" }.joined(separator: "; ")
    }

    /// Makes `state` the incident's escalation and commits it; when the commit fails, the escalation is as it was.
    ///
    /// Memory changes first, then the commit, and every change of one incident's escalation goes through here or
    /// ``record(_:)``, which change memory in place: each commit carries every change made before it, so the last
    /// commit on the branch is always the escalation as the engine has it.
    func commit(_ state: EscalationState, of incident: Incident, event: AuditEventName, subject: String,
                trailers: [Trailer] = []) async throws {
        let before = states[incident.number]
        states[incident.number] = state
        do {
            try await write(state, of: incident.number, event: event, subject: subject, trailers: trailers)
        } catch {
            states[incident.number] = before
            throw error
        }
    }

    /// Commits `state` as the incident's `escalation/state.json`.
    func write(_ state: EscalationState, of number: IncidentNumber, event: AuditEventName, subject: String,
               trailers: [Trailer] = []) async throws {
        let file = FileChange.write(path: EscalationFolder.state(of: number), contents: state.encoded())
        try await store.appendEvent(
            IncidentStore.FolderEvent(name: event, subject: subject, files: [file], trailers: trailers, actor: Automation.actor),
            to: number)
    }
}
