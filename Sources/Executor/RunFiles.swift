import Foundation
import ITIL
import Wiki

/// How a run's files are encoded on the audit branch (where they go is ``RunFolder``): JSON with sorted keys,
/// one field per line, times to the millisecond.
public enum RunFiles {
    /// The JSON of run records and decisions: sorted keys, one field per line, so `git show` diffs
    /// read well; the types spell their keys in snake case themselves. Times to the millisecond, as
    /// in incident records (a step of `true` takes a millisecond, and seconds told nothing).
    static let encoder = IncidentRecordFile.makeJSONEncoder()

    /// Reads times with milliseconds, and the whole seconds records had before.
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) ?? (try? Date(text, strategy: .iso8601)) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected a UTC time like 2026-05-01T12:34:56.789Z, got \"\(text)\"")
            }
            return date
        }
        return decoder
    }()

    /// `value` as a file change at `path`.
    static func write<Value: Encodable>(_ value: Value, to path: String) throws -> FileChange {
        .write(path: path, contents: try encoder.encode(value) + Data("\n".utf8))
    }
}
