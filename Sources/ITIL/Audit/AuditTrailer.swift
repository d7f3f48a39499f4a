import Wiki

/// The trailer keys of audit commits: the facts machines read back without parsing the files.
///
/// Every commit carries ``incident``, ``event``, ``actor``, ``state`` and ``priority``; openings and repeats add
/// ``alert``; a run's events add ``run``, ``runbook``, ``runbookCommit`` and ``runState``, a step's ``step``, and a
/// step's end ``attempt``, ``exitCode`` or ``signal`` and ``duration``.
public enum AuditTrailer: String, Sendable, CaseIterable {
    case incident = "Incident"
    /// In place of `Incident`, `State` and `Priority` on a job's commits (``JobRecord``).
    case job = "Job"
    case event = "Event"
    case actor = "Actor"
    case state = "State"
    case priority = "Priority"
    case alert = "Alert"
    case run = "Run"
    case runbook = "Runbook"
    case runbookCommit = "Runbook-Commit"
    case runState = "Run-State"
    case step = "Step"
    case attempt = "Attempt"
    case exitCode = "Exit-Code"
    case signal = "Signal"
    case duration = "Duration"
    /// On a job a schedule started: the instant it runs for (UTC), which no second job may claim.
    case scheduledFor = "Scheduled-For"
    /// The only trailer of a commit that carries several events (``AuditBatch``): how many it carries.
    case events = "Events"

    /// The trailers every event commit on an incident carries.
    public static let required: [AuditTrailer] = [.incident, .event, .actor, .state, .priority]
    /// The trailers every event commit on a job carries.
    public static let requiredOnJobs: [AuditTrailer] = [.job, .event, .actor]
}

extension Trailer {
    /// A trailer with one of the audit's keys.
    public init(_ key: AuditTrailer, _ value: String) {
        self.init(key.rawValue, value)
    }
}

extension Array where Element == Trailer {
    /// The value of the first trailer with `key`, if any.
    public func value(of key: AuditTrailer) -> String? {
        first { $0.key == key.rawValue }?.value
    }
}
