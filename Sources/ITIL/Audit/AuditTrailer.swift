import Wiki

/// The trailer keys of audit commits: the facts machines read back without parsing the files.
///
/// Every commit carries ``incident``, ``event``, ``actor``, ``state`` and ``priority``; openings and repeats add
/// ``alert``; a run's events add ``run``, ``runbook``, ``runbookCommit`` and ``runState``, a step's ``step``, and a
/// step's end ``attempt``, ``exitCode`` or ``signal`` and ``duration``.
public enum AuditTrailer: String, Sendable, CaseIterable {
    case incident = "Incident"
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

    /// The trailers every event commit carries.
    public static let required: [AuditTrailer] = [.incident, .event, .actor, .state, .priority]
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
