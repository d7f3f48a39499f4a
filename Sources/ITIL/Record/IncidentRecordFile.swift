import Foundation

/// The file that holds one incident on the audit branch (`incidents/2026/05/INC0000042/record.md`): a Markdown page
/// for people, whose header is the record for machines.
///
/// The header is the incident as JSON between `---` lines at the top, pretty-printed with sorted keys so that every
/// field sits on its own line and `git show` diffs say exactly which fields an event changed. (JSON is also YAML, so
/// Markdown viewers that render front matter show it as such.) The page below it is derived from the header and is
/// never read back: editing it changes nothing.
///
/// JSON rather than YAML because start-up parses every record: `JSONDecoder` reads 100,000 typical records in about
/// 5.5 s on two cores, ten times faster than Yams (figures in `Tests/ITILTests/RecordFileBenchmark.swift`).
public enum IncidentRecordFile {
    /// The line that opens and closes the header.
    static let delimiter = "---"

    /// Where the record lives on the audit branch: `incidents/000/00/INC0000042/record.md`.
    ///
    /// Folders by number, not by date: the digits before the last four, then the two after them, so no folder
    /// holds more than 100 incidents (1,000 at the top) however many are opened in a month, and the trees a commit
    /// rewrites stay small as history grows.
    public static func path(for number: IncidentNumber) -> String {
        folder(for: number) + "/record.md"
    }

    /// The incident's folder on the audit branch (`incidents/000/00/INC0000042`): its record, and its runs below.
    /// A job's is laid out the same way under `jobs/` (`jobs/000/00/JOB0000007`: ``JobRecord``, its run).
    public static func folder(for number: IncidentNumber) -> String {
        let digits = String(number.description.dropFirst(3))
        let top = number.isJob ? JobRecord.folder : IncidentStore.recordsFolder
        return "\(top)/\(digits.dropLast(4))/\(digits.dropLast(2).suffix(2))/\(number)"
    }

    /// The file's text: the header, then the page.
    public static func render(_ incident: Incident) -> String {
        let header: Data
        do {
            header = try headerEncoder.encode(incident)
        } catch {
            // Nothing in an Incident can fail to encode (no floating-point values, string keys only).
            preconditionFailure("an Incident failed to encode: \(error)")
        }
        return delimiter + "\n" + String(decoding: header, as: UTF8.self) + "\n" + delimiter + "\n\n"
            + IncidentPage(incident: incident).markdown
    }

    /// Made once: building an encoder (and its date strategy) for every record cost as much as a
    /// tenth of the encoding. JSONEncoder's `encode` is safe to call from several threads.
    private static let headerEncoder = makeJSONEncoder()

    /// The human half of the file alone: what `runbook incidents show` prints.
    public static func page(for incident: Incident) -> String {
        IncidentPage(incident: incident).markdown
    }

    /// Reads the incident back from a file's text.
    ///
    /// - Throws: ``RecordFileError`` with the line and field of the first problem: no header, an unterminated one,
    ///   malformed JSON, a missing or ill-typed field, a value out of range.
    public static func parse(_ text: String) throws(RecordFileError) -> Incident {
        try parse(Data(text.utf8))
    }

    /// Reads the incident back from a file's bytes, as the store gets them from the repository.
    public static func parse(_ data: Data) throws(RecordFileError) -> Incident {
        let header = try headerRange(in: data)
        let json = data[header]
        do {
            return try makeJSONDecoder().decode(Incident.self, from: json)
        } catch let error as DecodingError {
            throw RecordFileDiagnosis(header: json).error(for: error)
        } catch {
            throw RecordFileError(line: nil, field: nil, message: "the header cannot be read: \(error)")
        }
    }

    /// The encoder of the header; also what to use for an incident's `--json` output, so both read alike.
    public static func makeJSONEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    /// The decoder of the header (times as `2026-05-01T12:34:56.789Z`).
    public static func makeJSONDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected a UTC time like 2026-05-01T12:34:56.789Z, got \"\(text)\""
                )
            }
            return date
        }
        return decoder
    }

    /// The bytes between the opening `---` line and the closing one.
    private static func headerRange(in data: Data) throws(RecordFileError) -> Range<Data.Index> {
        let opening = Data((delimiter + "\n").utf8)
        guard data.starts(with: opening) else {
            throw RecordFileError(line: 1, field: nil, message: "expected the header to open with '---' on the first line")
        }
        let start = data.startIndex + opening.count
        guard let closing = data.range(of: Data(("\n" + delimiter).utf8), in: start..<data.endIndex),
              closing.upperBound == data.endIndex || data[closing.upperBound] == UInt8(ascii: "\n")
        else {
            let lines = data.reduce(into: 1) { count, byte in count += byte == UInt8(ascii: "\n") ? 1 : 0 }
            throw RecordFileError(line: lines, field: nil, message: "the header is not closed by a '---' line (truncated file?)")
        }
        return start..<closing.lowerBound
    }
}
