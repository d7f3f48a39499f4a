import Wiki

/// Why the incident store refused a request or could not start.
public enum IncidentStoreError: Error, Sendable, CustomStringConvertible {
    /// No incident has this number.
    case unknownIncident(IncidentNumber)
    /// A record file on the audit branch does not parse; the store will not start on a corrupt history
    /// unless told to skip such records.
    case corruptRecord(path: String, commit: ObjectID, problem: String)

    public var description: String {
        switch self {
        case .unknownIncident(let number):
            "no incident \(number)"
        case .corruptRecord(let path, let commit, let problem):
            "the audit branch holds a corrupt record at \(commit.short):\(path): \(problem) "
                + "(run `runbook audit verify`; start with --skip-corrupt to load the rest)"
        }
    }
}
