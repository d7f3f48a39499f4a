import Foundation

/// Turns a `DecodingError` of a record header into a ``RecordFileError`` that names the line and the field.
///
/// `JSONDecoder` tells the coding path but not the line; the line is found again in the pretty-printed header, where
/// each key starts its own line: the top-level key, then each nested key after it, an array index `n` skipping `n`
/// elements by counting the next key's occurrences. That is exact for files this module wrote and a close hint for
/// hand-edited ones.
struct RecordFileDiagnosis {
    /// The header's JSON; line 1 of the file is the opening `---`, so the header's line n is the file's line n + 1.
    let header: Data

    func error(for error: DecodingError) -> RecordFileError {
        switch error {
        case .keyNotFound(let key, let context):
            let path = context.codingPath + [key]
            return located(path, message: "missing", lineOf: context.codingPath)
        case .valueNotFound(let type, let context):
            return located(context.codingPath, message: "is null, expected \(Self.name(of: type))")
        case .typeMismatch(let type, let context):
            return located(context.codingPath, message: "expected \(Self.name(of: type))")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return syntaxError(context)
        case .dataCorrupted(let context):
            return located(context.codingPath, message: context.debugDescription)
        @unknown default:
            return RecordFileError(line: nil, field: nil, message: "\(error)")
        }
    }

    private func located(_ path: [any CodingKey], message: String, lineOf linePath: [any CodingKey]? = nil) -> RecordFileError {
        RecordFileError(line: line(of: linePath ?? path), field: Self.fieldName(path), message: message)
    }

    /// Malformed JSON. Foundation does not say where, so the first line that is not a line of pretty-printed JSON is
    /// reported; damage that only shows in the structure (a lost comma or brace) gets no line.
    private func syntaxError(_ context: DecodingError.Context) -> RecordFileError {
        let lines = String(decoding: header, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let bad = lines.firstIndex { !PrettyJSONLine.isWellFormed($0) }
        let place = bad.map { " near: \(lines[$0].trimmingCharacters(in: .whitespaces).prefix(60))" } ?? ""
        return RecordFileError(line: bad.map { $0 + 2 }, field: nil, message: "the header is not valid JSON\(place)")
    }

    /// `work_notes[2].time`.
    static func fieldName(_ path: [any CodingKey]) -> String {
        path.reduce(into: "") { name, key in
            if let index = key.intValue {
                name += "[\(index)]"
            } else {
                name += name.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
    }

    private func line(of path: [any CodingKey]) -> Int? {
        let lines = String(decoding: header, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var current = 0
        var skip = 0
        for key in path {
            if let index = key.intValue {
                skip = index
                continue
            }
            let pattern = "\"\(key.stringValue)\" :"
            var seen = 0
            guard let found = lines[current...].indices.first(where: { index in
                guard lines[index].drop(while: { $0 == " " }).hasPrefix(pattern) else { return false }
                seen += 1
                return seen > skip
            }) else { break }
            current = found
            skip = 0
        }
        // Header line n is file line n + 1; an empty path is the top-level object, which opens on file line 2.
        return current + 2
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        case is [String: Any].Type: "an object"
        default: "\(type)"
        }
    }
}
