import ITIL
import Runbooks

/// What a trigger did.
public enum TriggerResult: Sendable {
    /// A runbook ran (or was refused, see the run's state) for a new incident.
    case ran(Incident, Run)
    /// An incident for the same alert was open: an occurrence was added, nothing ran.
    case deduplicated(Incident)
    /// No runbook matches: the incident stays New with a work note saying so.
    case noMatch(Incident, MatchDecision)
    /// The alert matched a silence (`id`): the incident is recorded as silenced, nothing ran.
    case silenced(Incident, silence: String)

    /// The incident it opened or found.
    public var incident: Incident {
        switch self {
        case .ran(let incident, _), .deduplicated(let incident), .noMatch(let incident, _), .silenced(let incident, _): incident
        }
    }
}
