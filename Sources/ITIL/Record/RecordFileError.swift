/// A record file on the audit branch that cannot be read back: what is wrong, and where (line, field).
///
/// The store adds the file's path and commit when it reports one at start-up.
public struct RecordFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line of the file, when it can be told.
    public var line: Int?
    /// The field, as a path in the header (`work_notes[2].time`), when the problem is in one.
    public var field: String?
    /// What is wrong.
    public var message: String

    /// An error at `line` about `field`.
    public init(line: Int?, field: String?, message: String) {
        self.line = line
        self.field = field
        self.message = message
    }

    /// `line 14, field work_notes[2].time: expected a UTC time like 2026-05-01T12:34:56.789Z, got "yesterday"`.
    public var description: String {
        var place: [String] = []
        if let line { place.append("line \(line)") }
        if let field { place.append("field \(field)") }
        return place.isEmpty ? message : place.joined(separator: ", ") + ": " + message
    }
}
