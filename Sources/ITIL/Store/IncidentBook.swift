import Foundation

/// The store's in-memory state: every incident by number, and the open ones by alert key for dedup.
///
/// A cache of the audit branch, rebuilt from it at start-up and kept current by ``store(_:)``.
struct IncidentBook: Sendable {
    private(set) var incidents: [IncidentNumber: Incident] = [:]
    /// The open incident of each alert key (at most one while it is open: that is dedup).
    private(set) var openByAlert: [AlertKey: IncidentNumber] = [:]
    /// The highest number in use.
    private(set) var lastNumber: IncidentNumber?
    /// The highest job number in use (``JobRecord``): jobs have no record in memory, only their numbers.
    var lastJob: IncidentNumber?
    /// Each scheduled runbook's latest instant a job claimed: a schedule only ever runs for a later one.
    var lastScheduled: [String: Date] = [:]

    /// Takes note of `job` (read from the audit branch, or just created).
    mutating func note(_ job: JobRecord) {
        if lastJob.map({ job.number > $0 }) ?? true { lastJob = job.number }
        if let instant = job.scheduledFor, lastScheduled[job.runbook].map({ instant > $0 }) ?? true {
            lastScheduled[job.runbook] = instant
        }
    }
    /// How many are New, In Progress or On Hold.
    private(set) var openCount = 0
    /// The open incidents by priority (1...5): what a "what is on fire" view lists, without reading every incident.
    private(set) var openByPriority: [Int: Set<IncidentNumber>] = [:]
    /// Each incident's next deadline, by `deadline`.
    private(set) var deadlines = DeadlineQueue()
    /// When an incident is next due for the SLA sweep (``SLAPolicy/nextDeadline(of:)``).
    let deadline: @Sendable (Incident) -> Date?

    init(deadline: @escaping @Sendable (Incident) -> Date? = { _ in nil }) {
        self.deadline = deadline
    }

    /// Adds or replaces `incident`, keeping the indexes right.
    mutating func store(_ incident: Incident) {
        let previous = incidents.updateValue(incident, forKey: incident.number)
        let wasOpen = previous?.state.isOpen ?? false
        openCount += (incident.state.isOpen ? 1 : 0) - (wasOpen ? 1 : 0)
        if let previous, wasOpen { openByPriority[previous.priority.rawValue]?.remove(previous.number) }
        if incident.state.isOpen { openByPriority[incident.priority.rawValue, default: []].insert(incident.number) }
        for link in incident.alerts {
            if incident.state.isOpen {
                openByAlert[link.alertKey] = incident.number
            } else if openByAlert[link.alertKey] == incident.number {
                openByAlert[link.alertKey] = nil
            }
        }
        if lastNumber.map({ incident.number > $0 }) ?? true { lastNumber = incident.number }
        deadlines.set(incident.number, deadline(incident))
    }
}
