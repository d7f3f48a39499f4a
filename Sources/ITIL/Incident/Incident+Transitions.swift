import Foundation

extension Incident {
    /// Moves to `target` after checking the state machine and the details each target needs.
    mutating func transition(
        to target: IncidentState, reason: HoldReason?, code: CloseCode?, notes: String?, at time: Date, by actor: String
    ) throws(IncidentError) {
        guard state.canMove(to: target) else { throw .forbiddenTransition(number, from: state, to: target) }
        try checkDetails(to: target, reason: reason, code: code, notes: notes)
        if let notes { try Self.check(notes, field: "close notes", required: false) }
        let explanation = notes.flatMap { $0.isBlank ? nil : $0 }
        switch target {
        case .inProgress where state == .resolved:
            reopen(reason: explanation, at: time, by: actor)
        case .resolved:
            resolve(code: code!, notes: explanation!, at: time, by: actor)
        case .closed:
            close(note: explanation, at: time, by: actor)
        default:
            move(to: target, reason: reason, explanation: explanation, at: time, by: actor)
        }
    }

    /// Refuses missing details, and details that belong to another target (most likely a mistyped `--to`).
    private func checkDetails(
        to target: IncidentState, reason: HoldReason?, code: CloseCode?, notes: String?
    ) throws(IncidentError) {
        if target == .onHold && reason == nil { throw .holdReasonMissing(number) }
        if target != .onHold && reason != nil { throw .detailNotApplicable(number, detail: "hold reason", to: target) }
        if target == .resolved && (code == nil || notes?.isBlank ?? true) { throw .resolutionIncomplete(number) }
        if target != .resolved && code != nil { throw .detailNotApplicable(number, detail: "close code", to: target) }
    }

    /// A plain move among New, In Progress, On Hold and Canceled.
    private mutating func move(
        to target: IncidentState, reason: HoldReason?, explanation: String?, at time: Date, by actor: String
    ) {
        var text = "state \(state) → \(target)"
        if let reason { text += " (\(reason))" }
        if let explanation { text += ": \(explanation)" }
        stopResponseClock(at: time, by: actor)
        if target == .onHold { sla.pauseResolution(at: time) } else { sla.resumeResolution(at: time) }
        state = target
        holdReason = reason
        if target == .canceled {
            endResponseClock(at: time)
            // Canceling closes the record out, so it gets the closing time and actor like a close does.
            closedAt = time
            closedBy = actor
        }
        appendNote(text, kind: .system, at: time, by: actor)
    }

    private mutating func resolve(code: CloseCode, notes: String, at time: Date, by actor: String) {
        let text = "state \(state) → Resolved (\(code)): \(notes)"
        stopResponseClock(at: time, by: actor)
        endResponseClock(at: time)
        sla.resumeResolution(at: time)
        state = .resolved
        holdReason = nil
        closeCode = code
        closeNotes = notes
        resolvedAt = time
        resolvedBy = actor
        if let due = sla.resolutionDue {
            sla.resolutionMet = !sla.hasBreached(.resolution) && time <= due
        }
        appendNote(text, kind: .system, at: time, by: actor)
    }

    /// Resolved → In Progress. The resolution did not hold, so its code, notes and times are cleared (the timeline
    /// keeps them) and the resolution clock runs again against its original due time.
    mutating func reopen(reason: String?, at time: Date, by actor: String) {
        reopenCount += 1
        var text = "reopened (\(reopenCount)): state Resolved → In Progress"
        if let reason, !reason.isBlank { text += ": \(reason)" }
        state = .inProgress
        closeCode = nil
        closeNotes = nil
        resolvedAt = nil
        resolvedBy = nil
        sla.resolutionMet = sla.hasBreached(.resolution) ? false : nil
        appendNote(text, kind: .system, at: time, by: actor)
    }

    /// Resolved → Closed; the close code and notes of the resolution stay.
    mutating func close(note: String?, at time: Date, by actor: String) {
        state = .closed
        closedAt = time
        closedBy = actor
        appendNote("state Resolved → Closed" + (note.map { ": \($0)" } ?? ""), kind: .system, at: time, by: actor)
    }

    /// A person's act is the response: an acknowledgement, or their first transition. Automation moving the incident
    /// (a run starting) records the work without answering the response target, and notes never count.
    mutating func stopResponseClock(at time: Date, by actor: String) {
        guard actor != Automation.actor, sla.respondedAt == nil else { return }
        sla.respondedAt = time
        sla.respondedBy = actor
        if let due = sla.responseDue {
            sla.responseMet = !sla.hasBreached(.response) && time <= due
        }
    }

    /// A resolution nobody responded to ends the response clock without a responder: nothing is left to respond to,
    /// so the target was met if it came in time.
    private mutating func endResponseClock(at time: Date) {
        guard sla.respondedAt == nil, sla.responseMet == nil, let due = sla.responseDue else { return }
        sla.responseMet = !sla.hasBreached(.response) && time <= due
    }
}
