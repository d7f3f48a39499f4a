import Foundation
import Wiki

/// One event on the audit branch, as subscribers of ``AuditFeed`` get it: what its commit says.
///
/// Built from the commit's trailers whether this process wrote it or another one did, so an event
/// replayed from history reads exactly like the live one. What this process wrote also carries the
/// values it already had in memory (``record``, ``attachment``), which saves subscribers a git read.
public struct AuditEvent: Sendable {
    /// The commit that carries it.
    public let commit: ObjectID
    /// Its place among its commit's events (``AuditBatch``); nil when the commit carries it alone.
    public let index: Int?
    public let name: AuditEventName
    /// The incident, or for a job's events the job (``IncidentNumber/isJob``).
    public let incident: IncidentNumber
    public let actor: String
    public let time: Date
    /// The commit's subject line (`INC0000042: New -> In Progress`).
    public let subject: String
    public let trailers: [Trailer]
    /// The incident's record after the event, when this process wrote an event that changes it.
    public let record: Incident?
    /// What the writer attached for readers in this process (a run's record, a decision).
    public let attachment: (any Sendable)?

    /// The event of a commit with these trailers; nil when they do not name an incident and a known event
    /// (a commit someone made by hand).
    public init?(commit: ObjectID, index: Int? = nil, subject: String, trailers: [Trailer], time: Date, record: Incident? = nil,
                 attachment: (any Sendable)? = nil) {
        let owner = trailers.value(of: .incident) ?? trailers.value(of: .job).flatMap { IncidentNumber(parsing: $0)?.isJob == true ? $0 : nil }
        guard let incident = owner.flatMap({ IncidentNumber(parsing: $0) }),
              let name = trailers.value(of: .event).flatMap(AuditEventName.init(rawValue:)) else { return nil }
        self.commit = commit
        self.index = index
        self.name = name
        self.incident = incident
        self.actor = trailers.value(of: .actor) ?? "unknown"
        self.time = time
        self.subject = subject
        self.trailers = trailers
        self.record = record
        self.attachment = attachment
    }

    /// The events of a commit read from the repository, in order: one, or several for a batch's commit; none for a
    /// commit that names no incident and event, or a batch's whose message does not parse.
    public static func events(of commit: Commit) -> [AuditEvent] {
        guard let events = try? AuditBatch.events(of: commit) else { return [] }
        return events.compactMap { event in
            AuditEvent(commit: commit.id, index: event.index, subject: event.subject, trailers: event.trailers, time: commit.author.time)
        }
    }

    /// Its id in the event stream: the commit, and its place there when the commit carries several events.
    public var position: FeedPosition { FeedPosition(commit: commit, event: index, output: nil) }

    /// The run the event is about, for a run's events.
    public var run: RunID? { trailers.value(of: .run).flatMap { RunID(parsing: $0) } }
    /// The step, for a step's events and decisions.
    public var step: String? { trailers.value(of: .step) }
    /// The incident's state after the event.
    public var state: IncidentState? { trailers.value(of: .state).flatMap(IncidentState.init(rawValue:)) }
}
