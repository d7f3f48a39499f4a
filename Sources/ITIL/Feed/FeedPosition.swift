import Wiki

/// Where an item is in the event stream: after which commit and, for a line of output, which line.
///
/// Written as the commit's id (`3f2a…`), or `3f2a…:42` for the 42nd output line since the server
/// started; a stream with no commit yet is `-` or `-:42`. It is what `Last-Event-ID` carries back.
public struct FeedPosition: Sendable, Hashable, CustomStringConvertible {
    /// The commit, or the last one before the output line; nil before the first commit.
    public let commit: ObjectID?
    /// The output line's number, for output.
    public let output: UInt64?

    public init(commit: ObjectID?, output: UInt64?) {
        self.commit = commit
        self.output = output
    }

    /// Parses the text form; nil when it is not one.
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        if parts[0] == "-" {
            commit = nil
        } else {
            guard let id = ObjectID(hex: String(parts[0])) else { return nil }
            commit = id
        }
        if parts.count == 2 {
            guard let number = UInt64(parts[1]) else { return nil }
            output = number
        } else {
            output = nil
        }
    }

    public var description: String {
        (commit?.hex ?? "-") + (output.map { ":\($0)" } ?? "")
    }
}
