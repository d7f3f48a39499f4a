import Foundation
import Wiki

/// How an incident event is written to the audit branch: its record file, a subject line people
/// read in `git log --oneline audit`, and trailers machines read back.
enum AuditRecord {
    /// The audit entry of `event` on `incident` (already applied).
    static func entry(for incident: Incident, event: IncidentEvent, actor: String, subject: String, at time: Date) -> AuditEntry {
        var trailers = common(incident, event: event.name, actor: actor)
        if case .alertRepeated(let alert) = event { trailers.append(Trailer(.alert, oneLine(alert.description))) }
        if case .opened(let opening) = event, let alert = opening.alert { trailers.append(Trailer(.alert, oneLine(alert.description))) }
        let record = FileChange.write(
            path: IncidentRecordFile.path(for: incident.number), contents: Data(IncidentRecordFile.render(incident).utf8))
        return AuditEntry(
            changes: [record], message: "\(incident.number): \(oneLine(subject, limit: 100))", trailers: trailers,
            author: author(actor, at: time))
    }

    /// The audit entry of an event that writes files next to the incident's record (a run's
    /// record, a step's log) without changing the record; the trailers still carry the
    /// incident's state and priority, so every commit says where its incident stood.
    static func entry(
        files: [FileChange], of incident: Incident, event: AuditEventName, actor: String, subject: String, trailers extra: [Trailer],
        at time: Date
    ) -> AuditEntry {
        let trailers = common(incident, event: event, actor: actor) + extra.map { Trailer($0.key, oneLine($0.value)) }
        return AuditEntry(
            changes: files, message: "\(incident.number): \(oneLine(subject, limit: 100))", trailers: trailers,
            author: author(actor, at: time))
    }

    /// The audit entry that creates `job`: its record file, nothing else.
    static func entry(creating job: JobRecord, actor: String, at time: Date) throws -> AuditEntry {
        let record = FileChange.write(path: JobRecord.path(for: job.number), contents: try job.encoded())
        var trailers = [Trailer(.job, job.number.description), Trailer(.event, AuditEventName.jobCreated.rawValue),
                        Trailer(.actor, oneLine(actor)), Trailer(.runbook, oneLine(job.runbook))]
        if let instant = job.scheduledFor { trailers.append(Trailer(.scheduledFor, Timestamp.format(instant))) }
        let why = job.scheduledFor.map { "scheduled for \(Timestamp.format($0))" } ?? "asked for by \(job.requestedBy)"
        return AuditEntry(
            changes: [record], message: "\(job.number): job of \(oneLine(job.runbook, limit: 60)), \(why)", trailers: trailers,
            author: author(actor, at: time))
    }

    /// The audit entry of an event that writes files in job `number`'s folder (its run's record, a step's log).
    static func entry(
        files: [FileChange], ofJob number: IncidentNumber, event: AuditEventName, actor: String, subject: String,
        trailers extra: [Trailer], at time: Date
    ) -> AuditEntry {
        let trailers = [Trailer(.job, number.description), Trailer(.event, event.rawValue), Trailer(.actor, oneLine(actor))]
            + extra.map { Trailer($0.key, oneLine($0.value)) }
        return AuditEntry(
            changes: files, message: "\(number): \(oneLine(subject, limit: 100))", trailers: trailers,
            author: author(actor, at: time))
    }

    /// The trailers every commit carries: the incident, the event, who, and where the incident stands.
    private static func common(_ incident: Incident, event: AuditEventName, actor: String) -> [Trailer] {
        [Trailer(.incident, incident.number.description), Trailer(.event, event.rawValue), Trailer(.actor, oneLine(actor)),
         Trailer(.state, incident.state.rawValue), Trailer(.priority, String(incident.priority.rawValue))]
    }

    /// `text` on one line, trimmed, at most `limit` characters: trailers and subjects must be one line,
    /// and labels that reach them are attacker-controlled.
    static func oneLine(_ text: String, limit: Int = 200) -> String {
        let flat = text.map { $0.isNewline || $0 == "\0" ? " " : String($0) }.joined().trimmingCharacters(in: .whitespaces)
        let cut = flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
        return cut.isEmpty ? "-" : cut
    }

    /// The commit's author: the actor as its trailer writes it, with an address git accepts made from that.
    static func author(_ actor: String, at time: Date) -> Signature {
        let name = oneLine(actor)
        return Signature(name: name, email: "\(emailSafe(name))@runbook", time: time)
    }

    private static func emailSafe(_ actor: String) -> String {
        let safe = actor.lowercased().map { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || "._-".contains($0) ? String($0) : "-" }
        return safe.joined().isEmpty ? "unknown" : safe.joined()
    }
}
