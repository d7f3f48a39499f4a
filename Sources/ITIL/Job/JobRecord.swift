import Foundation

/// A job: the record of a run asked for without an incident (`runbook run` without `--incident` or `--open`,
/// `POST /api/v1/runbooks/{id}/runs`, or a runbook's schedule). Its run is recorded below it exactly as an
/// incident's is (`jobs/000/00/JOB0000007/runs/1/`), so `runbook runs show JOB0000007-1` and the audit checks
/// treat both alike; a job has no state, priority or SLA of its own: its run's state is the job's outcome.
public struct JobRecord: Codable, Sendable, Equatable {
    /// The folder of the audit branch that holds jobs.
    public static let folder = "jobs"

    /// `JOB0000007`.
    public let number: IncidentNumber
    /// The runbook the job runs, by id and by the page it was read from.
    public let runbook: String
    public let runbookPath: String
    /// Who asked for it: a person, or `schedule` for a runbook's schedule.
    public let requestedBy: String
    public let createdAt: Date
    /// The scheduled instant this job runs for, when a schedule started it.
    public var scheduledFor: Date?

    public init(number: IncidentNumber, runbook: String, runbookPath: String, requestedBy: String, createdAt: Date,
                scheduledFor: Date? = nil) {
        self.number = number
        self.runbook = runbook
        self.runbookPath = runbookPath
        self.requestedBy = requestedBy
        self.createdAt = createdAt
        self.scheduledFor = scheduledFor
    }

    enum CodingKeys: String, CodingKey {
        case number, runbook
        case runbookPath = "runbook_path"
        case requestedBy = "requested_by"
        case createdAt = "created_at"
        case scheduledFor = "scheduled_for"
    }

    /// Where the job's record lives: `jobs/000/00/JOB0000007/job.json`.
    public static func path(for number: IncidentNumber) -> String {
        IncidentRecordFile.folder(for: number) + "/job.json"
    }

    /// `JOB0000007` from `jobs/000/00/JOB0000007/job.json`.
    static func number(inPath path: String) -> IncidentNumber? {
        let components = path.split(separator: "/")
        guard components.count >= 2, components.last == "job.json", let number = IncidentNumber(parsing: components[components.count - 2]),
              number.isJob else { return nil }
        return number
    }

    /// The file's contents: JSON as incident records write it.
    func encoded() throws -> Data {
        try IncidentRecordFile.makeJSONEncoder().encode(self) + Data("\n".utf8)
    }
}
