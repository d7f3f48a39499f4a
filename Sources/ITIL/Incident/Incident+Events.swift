import Foundation

extension Incident {
    /// Applies `event` at `time` by `actor`: checks that it is allowed, changes the record, adds to the timeline and
    /// sets ``updatedAt``.
    ///
    /// Every check comes before any change, so when this throws the incident is exactly as it was and the store has
    /// nothing to commit.
    ///
    /// - Throws: ``IncidentError`` naming what is not allowed and what would be.
    public mutating func apply(_ event: IncidentEvent, at time: Date, actor: String) throws(IncidentError) {
        let time = Timestamp.rounded(time)
        guard !state.isFinal else { throw .finalState(number, state) }
        switch event {
        case .opened:
            throw .alreadyOpened(number)
        case .alertRepeated(let alert):
            try recordRepeat(of: alert, at: time)
        case .acknowledged:
            try acknowledge(at: time, by: actor)
            snoozedUntil = nil
        case .snoozed(let until):
            guard until > time else { throw .invalidSnooze(number, until: until) }
            try acknowledge(at: time, by: actor)
            snoozedUntil = Timestamp.rounded(until)
            appendNote("snoozed until \(Timestamp.format(until))", kind: .system, at: time, by: actor)
        case .unacknowledged:
            guard state.isOpen else { throw .notOpen(number, state, event: "unacknowledging") }
            guard let who = acknowledgedBy else { throw .notAcknowledged(number) }
            acknowledgedBy = nil
            acknowledgedAt = nil
            snoozedUntil = nil
            appendNote("acknowledgement by \(who) withdrawn: escalation starts over", kind: .system, at: time, by: actor)
        case .silenced(let id, let comment):
            silencedBy = id
            appendNote("silenced by \(id)\(comment.isEmpty ? "" : ": \(comment)"): nobody is paged, no runbook runs",
                       kind: .system, at: time, by: actor)
        case .noteAdded(let text):
            try Self.check(text, field: "note", required: true)
            appendNote(text, kind: .note, at: time, by: actor)
        case .assigned(let group, let person):
            assign(group: group, person: person, at: time, by: actor)
        case .transitioned(let target, let reason, let code, let notes):
            try transition(to: target, reason: reason, code: code, notes: notes, at: time, by: actor)
        case .reopened(let reason):
            guard state == .resolved else { throw .notResolved(number, state) }
            reopen(reason: reason, at: time, by: actor)
        case .autoClosed:
            guard state == .resolved else { throw .forbiddenTransition(number, from: state, to: .closed) }
            close(note: "closed automatically after being resolved", at: time, by: actor)
        case .slaBreached(let kind):
            try recordBreach(kind, at: time, by: actor)
        case .impactUrgencyChanged(let impact, let urgency, let targets):
            guard state.isOpen else { throw .notOpen(number, state, event: "changing impact or urgency") }
            changePriority(impact: impact, urgency: urgency, targets: targets, at: time, by: actor)
        case .runLinked(let run):
            runs.append(run)
            appendNote("run \(run) started", kind: .system, at: time, by: actor)
        }
        updatedAt = time
    }

    private mutating func recordRepeat(of alert: AlertKey, at time: Date) throws(IncidentError) {
        // A repeat of a resolved incident's alert opens a new incident (PagerDuty's rule), so only open ones count it.
        guard state.isOpen else { throw .notOpen(number, state, event: "a repeated alert") }
        guard let index = alerts.firstIndex(where: { $0.alertKey == alert }) else { throw .alertNotLinked(number, alert) }
        // No timeline entry: Alertmanager repeats every few hours, and the count and last-seen time say it all.
        alerts[index].occurrences += 1
        alerts[index].lastSeen = time
    }

    private mutating func acknowledge(at time: Date, by actor: String) throws(IncidentError) {
        guard state.isOpen else { throw .notOpen(number, state, event: "acknowledging") }
        guard actor != Automation.actor else { throw .notAPerson(number, event: "acknowledging") }
        stopResponseClock(at: time, by: actor)
        acknowledgedBy = actor
        acknowledgedAt = time
        // Taking it up is taking it on: the person who acknowledges is who works on it now.
        var text = "acknowledged by \(actor)"
        if assignedTo != actor {
            assignedTo = actor
            text += ", assigned to \(actor)"
        }
        if state == .new {
            text += ": state New → In Progress"
            state = .inProgress
        }
        appendNote(text, kind: .system, at: time, by: actor)
    }

    private mutating func assign(group: String?, person: String?, at time: Date, by actor: String) {
        assignmentGroup = group
        assignedTo = person
        let text = switch (group, person) {
        case (nil, nil): "unassigned"
        case (let group?, nil): "assigned to group \(group)"
        case (nil, let person?): "assigned to \(person)"
        case (let group?, let person?): "assigned to \(person) (group \(group))"
        }
        appendNote(text, kind: .system, at: time, by: actor)
    }

    private mutating func changePriority(
        impact: Impact, urgency: Urgency, targets: SLATargets, at time: Date, by actor: String
    ) {
        let before = (impact: self.impact, urgency: self.urgency, priority: priority)
        self.impact = impact
        self.urgency = urgency
        // A clock whose outcome is already decided keeps its due time: the new priority cannot undo what happened.
        if sla.respondedAt == nil && !sla.hasBreached(.response) {
            sla.responseDue = targets.response.map { openedAt + $0 }
        }
        if !sla.hasBreached(.resolution) {
            sla.resolutionDue = targets.resolution.map { openedAt + $0 + (sla.resolutionPausedFor ?? 0) }
        }
        let text = "impact \(before.impact.value) → \(impact.value), urgency \(before.urgency.value) → \(urgency.value): "
            + "priority \(before.priority) → \(priority)"
        appendNote(text, kind: .system, at: time, by: actor)
    }

    private mutating func recordBreach(_ kind: SLABreach.Kind, at time: Date, by actor: String) throws(IncidentError) {
        guard state.isOpen else { throw .notOpen(number, state, event: "an SLA breach") }
        guard let due = sla.due(kind) else { throw .breachNotApplicable(number, kind, reason: "there is no \(kind) target") }
        guard !sla.hasBreached(kind) else { throw .breachNotApplicable(number, kind, reason: "it is already recorded") }
        guard time >= due else {
            throw .breachNotApplicable(number, kind, reason: "it is due only at \(Timestamp.format(due))")
        }
        if kind == .response, let respondedAt = sla.respondedAt {
            throw .breachNotApplicable(number, kind, reason: "responded at \(Timestamp.format(respondedAt))")
        }
        if sla.isPaused(kind) {
            throw .breachNotApplicable(number, kind, reason: "its clock is paused while the incident is On Hold")
        }
        sla.breaches.append(SLABreach(kind: kind, due: due, recordedAt: time))
        switch kind {
        case .response: sla.responseMet = false
        case .resolution: sla.resolutionMet = false
        }
        appendNote("\(kind) SLA breached: was due at \(Timestamp.format(due))", kind: .sla, at: time, by: actor)
    }
}
