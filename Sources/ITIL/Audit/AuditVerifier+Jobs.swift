import Foundation
import Wiki

/// The checks of a job's commits (``JobRecord``): the same rules as an incident's, without a record to agree with.
extension AuditVerifier {
    /// Whether `commit` is a job's event (it names a job, not an incident).
    static func isJobEvent(_ commit: Commit) -> Bool {
        commit.trailers.contains { $0.key == AuditTrailer.job.rawValue }
    }

    /// Checks a job's commit, whose parent passed, and moves `highest` to the job it creates, if any.
    func checkJob(_ commit: Commit, changes: [ChangedFile], alone: Bool, highest: inout IncidentNumber?) throws {
        let values = try Self.trailers(of: commit, required: AuditTrailer.requiredOnJobs)
        // A commit names one owner: an incident's trailers on a job's event say two things at once.
        if let incident = commit.trailers.first(where: { $0.key == AuditTrailer.incident.rawValue }) {
            throw AuditFailure(commit, .invalidIncidentTrailer(incident.value))
        }
        guard let number = IncidentNumber(parsing: values[.job]!), number.isJob else {
            throw AuditFailure(commit, .invalidIncidentTrailer(values[.job]!))
        }
        guard let event = AuditEventName(rawValue: values[.event]!) else { throw AuditFailure(commit, .unknownEvent(values[.event]!)) }
        guard commit.summary.hasPrefix("\(number): ") else { throw AuditFailure(commit, .subjectMismatch(expectedPrefix: "\(number): ")) }
        if alone { try Self.checkAuthor(of: commit, actor: values[.actor]!) }
        let next = highest?.next ?? .firstJob
        if event == .jobCreated {
            let expected = JobRecord.path(for: number)
            guard changes.count == 1, changes[0].path == expected, let blob = changes[0].blob else {
                throw AuditFailure(commit, .unexpectedFiles(expected: expected, changed: changes.map(\.path)))
            }
            guard number >= next else { throw AuditFailure(commit, .openedTwice(number)) }
            guard number == next else { throw AuditFailure(commit, .numberGap(opened: number, expected: next)) }
            do {
                let job = try IncidentRecordFile.makeJSONDecoder().decode(JobRecord.self, from: try repository.readBlob(blob))
                guard job.number == number else {
                    throw AuditFailure(commit, .trailerDisagrees(key: AuditTrailer.job.rawValue, trailer: "\(number)", record: "\(job.number)"))
                }
                guard AuditRecord.oneLine(job.requestedBy) == values[.actor]! else {
                    throw AuditFailure(commit, .actorDisagrees(what: "the job's requested_by", says: job.requestedBy, actor: values[.actor]!))
                }
            } catch let failure as AuditFailure {
                throw failure
            } catch {
                throw AuditFailure(commit, .corruptRecord(path: expected, problem: "\(error)"))
            }
            highest = number
            return
        }
        guard number < next else { throw AuditFailure(commit, .unknownIncident(number, event: event.rawValue)) }
        guard let run = try Self.runTrailer(of: commit) else { throw AuditFailure(commit, .missingTrailer(AuditTrailer.run.rawValue)) }
        guard let id = RunID(parsing: run), id.incident == number else {
            throw AuditFailure(commit, .invalidRunTrailer(run, incident: number))
        }
        try Self.checkRunState(of: commit, event: event)
        let folder = RunFolder.path(of: id) + "/"
        guard !changes.isEmpty, changes.allSatisfy({ $0.path.hasPrefix(folder) }) else {
            throw AuditFailure(commit, .unexpectedFiles(expected: folder + "…", changed: changes.map(\.path)))
        }
        if [.approvalGiven, .denialGiven, .cancelRequested].contains(event) { try checkDecider(values[.actor]!, changes: changes, in: commit) }
    }

    /// The highest job number at a verified commit, from its paths.
    func highestJob(at commit: ObjectID) throws -> IncidentNumber? {
        try repository.files(at: commit, under: JobRecord.folder).compactMap { JobRecord.number(inPath: $0.path) }.max()
    }
}
