import Wiki

/// Where an event may write: the folder of the incident or job its trailers name (`incidents/000/00/INC0000042/`).
///
/// The one rule for both sides of a commit that carries several events (``AuditBatch``): the writer puts two events
/// in one commit only when they are about different incidents or jobs, and ``AuditVerifier`` gives each event the
/// commit's changes inside its folder, so each event is still checked against exactly the files it wrote and the
/// record as it left it.
public struct AuditEventScope: Sendable, Hashable {
    /// The folder, with a final `/`.
    public let folder: String

    /// The scope of an event with these trailers; nil for one that names no incident or job (a commit someone made
    /// by hand), which then goes in a commit of its own.
    public init?(trailers: [Trailer]) {
        if let job = trailers.value(of: .job).flatMap(IncidentNumber.init(parsing:)), job.isJob {
            folder = IncidentRecordFile.folder(for: job) + "/"
        } else if let number = trailers.value(of: .incident).flatMap(IncidentNumber.init(parsing:)), !number.isJob {
            folder = IncidentRecordFile.folder(for: number) + "/"
        } else {
            return nil
        }
    }

    /// Whether `file` (a path in the repository) is inside this scope.
    public func contains(_ file: String) -> Bool {
        file.hasPrefix(folder)
    }
}
