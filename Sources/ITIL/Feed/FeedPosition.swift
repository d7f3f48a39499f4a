import Wiki

/// Where an item is in the event stream: after which commit (and which of its events) and, for a line of output,
/// which line.
///
/// Written as the commit's id (`3f2a…`), `3f2a….7` for the event at index 7 of a commit that carries several
/// (``AuditBatch``), or `3f2a…:42` for the 42nd output line since the server started; a stream with no commit yet is
/// `-` or `-:42`. It is what `Last-Event-ID` carries back. A commit's id alone stands after all of its events.
public struct FeedPosition: Sendable, Hashable, CustomStringConvertible {
    /// The commit, or the last one before the output line; nil before the first commit.
    public let commit: ObjectID?
    /// The event's index in a commit of several events; nil for a commit's only event, or all of them.
    public let event: Int?
    /// The output line's number, for output.
    public let output: UInt64?

    public init(commit: ObjectID?, event: Int? = nil, output: UInt64?) {
        self.commit = commit
        self.event = event
        self.output = output
    }

    /// Parses the text form; nil when it is not one.
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let place = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard place.count <= 2 else { return nil }
        if place[0] == "-" {
            guard place.count == 1 else { return nil }
            commit = nil
        } else {
            guard let id = ObjectID(hex: String(place[0])) else { return nil }
            commit = id
        }
        if place.count == 2 {
            guard let index = Int(place[1]), index >= 0 else { return nil }
            event = index
        } else {
            event = nil
        }
        if parts.count == 2 {
            guard let number = UInt64(parts[1]) else { return nil }
            output = number
        } else {
            output = nil
        }
    }

    public var description: String {
        (commit?.hex ?? "-") + (event.map { ".\($0)" } ?? "") + (output.map { ":\($0)" } ?? "")
    }
}
