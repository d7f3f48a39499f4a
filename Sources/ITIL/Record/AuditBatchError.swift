/// A commit's `Events:` trailer and its paragraphs disagree.
public enum AuditBatchError: Error, Sendable, Equatable, CustomStringConvertible {
    case badCount(String)
    case countDisagrees(declared: Int, found: Int)
    case notATrailer(event: Int, line: String)

    public var description: String {
        switch self {
        case .badCount(let value): "the Events trailer '\(value)' is not a number of events above 1"
        case .countDisagrees(let declared, let found): "the Events trailer says \(declared) events but the message has \(found)"
        case .notATrailer(let event, let line): "event \(event) of the message has a line that is not 'Key: value': \(line)"
        }
    }
}
