import Foundation
import Wiki

/// The changes of one batch of writes, on top of the book, until they are committed.
///
/// Changes go to an overlay so that a batch that fails to commit leaves the book as it was, and
/// so that preparing a batch costs what it changes, not the size of the book.
struct IncidentDraft {
    let book: IncidentBook
    let now: Date
    private(set) var changed: [IncidentNumber: Incident] = [:]
    private var openByAlert: [AlertKey: IncidentNumber?] = [:]
    private(set) var lastNumber: IncidentNumber?
    private(set) var lastJob: IncidentNumber?
    /// The jobs this batch created.
    private(set) var jobs: [JobRecord] = []
    /// One entry per recorded event, in order, rendered by ``auditEntries()``.
    private var entries: [PendingEntry] = []

    /// An audit entry, or what it will be made of: a record file is rendered (JSON and Markdown,
    /// most of a batch's CPU) only when the batch is written, on all cores.
    private enum PendingEntry: Sendable {
        case ready(AuditEntry, attachment: (any Sendable)?)
        case record(Incident, event: IncidentEvent, actor: String, subject: String, at: Date)

        var rendered: AuditEntry {
            switch self {
            case .ready(let entry, _): entry
            case let .record(incident, event, actor, subject, time):
                AuditRecord.entry(for: incident, event: event, actor: actor, subject: subject, at: time)
            }
        }
    }

    /// What each entry's event carries for subscribers in this process (see ``AuditEvent``), in order.
    func payloads() -> [(record: Incident?, attachment: (any Sendable)?)] {
        entries.map { entry in
            switch entry {
            case .ready(_, let attachment): (nil, attachment)
            case .record(let incident, _, _, _, _): (incident, nil)
            }
        }
    }

    /// From this many entries on, records are rendered on all cores.
    private static let parallelFrom = 16

    /// The batch's audit entries, in order.
    func auditEntries() -> [AuditEntry] {
        let entries = entries
        guard entries.count >= Self.parallelFrom else { return entries.map(\.rendered) }
        return concurrentMap(entries.indices) { entries[$0].rendered }
    }

    init(book: IncidentBook, now: Date) {
        self.book = book
        self.now = now
        lastNumber = book.lastNumber
        lastJob = book.lastJob
    }

    /// The incident as this batch sees it.
    func incident(_ number: IncidentNumber) -> Incident? {
        changed[number] ?? book.incidents[number]
    }

    /// The incidents, as this batch sees them, by number, that may be due for the SLA sweep at `now`: those whose
    /// deadline in the book has come, and those this batch changed (their deadline may have moved).
    func incidentsDue(by now: Date) -> [Incident] {
        book.deadlines.due(by: now).union(changed.keys).sorted().compactMap { incident($0) }
    }

    /// The open incident for an alert key, as this batch sees it.
    func openIncident(for alert: AlertKey) -> IncidentNumber? {
        if let overlaid = openByAlert[alert] { return overlaid }
        return book.openByAlert[alert]
    }

    /// The number the next new incident gets: one past the highest in use, so numbers have no gaps.
    var nextNumber: IncidentNumber {
        lastNumber?.next ?? .first
    }

    /// The number the next job gets.
    var nextJob: IncidentNumber {
        lastJob?.next ?? .firstJob
    }

    /// Whether job `number` exists, as this batch sees it.
    func hasJob(_ number: IncidentNumber) -> Bool {
        number.isJob && lastJob.map { number <= $0 } ?? false
    }

    /// Queues the creation of `job`, which takes ``nextJob``.
    mutating func record(creating job: JobRecord, actor: String) throws {
        entries.append(.ready(try AuditRecord.entry(creating: job, actor: actor, at: now), attachment: job))
        lastJob = job.number
        jobs.append(job)
    }

    /// The latest instant a job of `runbook`'s schedule claimed, as this batch sees it.
    func lastScheduled(_ runbook: String) -> Date? {
        let here = jobs.filter { $0.runbook == runbook }.compactMap(\.scheduledFor).max()
        return [book.lastScheduled[runbook], here].compactMap { $0 }.max()
    }

    /// Queues an event that writes `files` in job `number`'s folder.
    mutating func record(
        files: [FileChange], ofJob number: IncidentNumber, event: AuditEventName, actor: String, subject: String, trailers: [Trailer],
        attachment: (any Sendable)?
    ) {
        let entry = AuditRecord.entry(files: files, ofJob: number, event: event, actor: actor, subject: subject, trailers: trailers, at: now)
        entries.append(.ready(entry, attachment: attachment))
    }

    /// Queues an event that writes `files` beside the incident's record without changing it.
    mutating func record(
        files: [FileChange], of incident: Incident, event: AuditEventName, actor: String, subject: String, trailers: [Trailer],
        attachment: (any Sendable)?
    ) {
        let entry = AuditRecord.entry(files: files, of: incident, event: event, actor: actor, subject: subject, trailers: trailers, at: now)
        entries.append(.ready(entry, attachment: attachment))
    }

    /// Records `incident` as changed by `event` and queues its audit entry.
    mutating func record(_ incident: Incident, event: IncidentEvent, actor: String, subject: String) {
        changed[incident.number] = incident
        for link in incident.alerts {
            if incident.state.isOpen {
                openByAlert[link.alertKey] = .some(incident.number)
            } else if openIncident(for: link.alertKey) == incident.number {
                openByAlert[link.alertKey] = .some(nil)
            }
        }
        if lastNumber.map({ incident.number > $0 }) ?? true { lastNumber = incident.number }
        entries.append(.record(incident, event: event, actor: actor, subject: subject, at: now))
    }
}
