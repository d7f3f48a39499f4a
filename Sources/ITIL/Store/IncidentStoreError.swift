import Foundation
import Wiki

/// Why the incident store refused a request or could not start.
public enum IncidentStoreError: Error, Sendable, CustomStringConvertible {
    /// No incident has this number.
    case unknownIncident(IncidentNumber)
    /// A record file on the audit branch does not parse; the store will not start on a corrupt history
    /// unless told to skip such records.
    case corruptRecord(path: String, commit: ObjectID, problem: String)
    /// An event's file lies outside its incident's folder, or is the record itself.
    case outsideIncident(path: String, number: IncidentNumber)
    /// A schedule's instant that a job has claimed already (this one or a later one of the same runbook).
    case alreadyScheduled(runbook: String, instant: Date, claimed: Date)

    public var description: String {
        switch self {
        case .unknownIncident(let number):
            "no incident \(number)"
        case .corruptRecord(let path, let commit, let problem):
            "the audit branch holds a corrupt record at \(commit.short):\(path): \(problem) "
                + "(run `runbook audit verify`; start with --skip-corrupt to load the rest)"
        case .outsideIncident(let path, let number):
            "\(path) is not a file an event of \(number) may write (only files in its folder, not its record)"
        case .alreadyScheduled(let runbook, let instant, let claimed):
            "the schedule of \(runbook) has run for \(Timestamp.format(claimed)) already; \(Timestamp.format(instant)) is not after it"
        }
    }
}
