import ITIL
import Runbooks
import Wiki

/// What opening an incident for an alert decided, before anything runs.
public enum Admission: Sendable {
    /// An incident for the same alert was open; nothing runs.
    case deduplicated(Incident)
    /// A new incident that no runbook matches; it stays New with a work note saying so.
    case noMatch(Incident, MatchDecision)
    /// A new incident whose alert matched a silence (`id`): recorded as silenced; nothing runs, nobody is paged.
    case silenced(Incident, silence: String)
    /// A new incident, and the runbook (read at `commit`) to run for it.
    case toRun(Incident, Runbook, commit: ObjectID)

    /// The incident opened or found.
    public var incident: Incident {
        switch self {
        case .deduplicated(let incident), .noMatch(let incident, _), .toRun(let incident, _, _), .silenced(let incident, _): incident
        }
    }
}
