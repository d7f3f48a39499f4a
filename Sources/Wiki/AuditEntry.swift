/// One event for the audit log: the files it writes and the commit message that describes it.
public struct AuditEntry: Sendable, Equatable {
    /// The files the event writes (its record, a step's log) or deletes.
    public var changes: [FileChange]
    /// The commit message's text; its first line is what `git log --oneline audit` shows.
    public var message: String
    /// Machine-readable facts (`Incident:`, `Event:`, `Actor:` ...), appended as trailers.
    public var trailers: [Trailer]
    /// Who did it and when; also the committer.
    public var author: Signature

    /// An entry; see the properties.
    public init(changes: [FileChange], message: String, trailers: [Trailer] = [], author: Signature) {
        self.changes = changes
        self.message = message
        self.trailers = trailers
        self.author = author
    }
}
