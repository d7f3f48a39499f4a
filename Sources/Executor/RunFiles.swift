import Foundation
import ITIL
import Wiki

/// Where a run's files live on the audit branch, next to its incident's record:
///
/// ```
/// incidents/000/00/INC0000042/runs/1/run.json                   the run record, rewritten by run-level events
/// incidents/000/00/INC0000042/runs/1/steps/01-check-usage.json  a step's record, rewritten by its events
/// incidents/000/00/INC0000042/runs/1/01-check-usage.log         a step's output, with timestamps
/// incidents/000/00/INC0000042/runs/1/decisions/<step>.json an approval or denial
/// incidents/000/00/INC0000042/runs/1/cancel.json          a cancel request
/// ```
public enum RunFiles {
    /// The run's folder.
    public static func folder(of run: RunID) -> String {
        IncidentRecordFile.folder(for: run.incident) + "/runs/\(run.sequence)"
    }

    /// The run record.
    public static func record(of run: RunID) -> String {
        folder(of: run) + "/run.json"
    }

    /// The record of step number `index` (0-based) with id `step`. Where it exists it is newer
    /// than the step's entry in `run.json`.
    public static func stepRecord(of run: RunID, index: Int, step: String) -> String {
        folder(of: run) + "/steps/" + String(format: "%02d", index + 1) + "-\(step).json"
    }

    /// Whether `path` is a step record, and of which run.
    static func runID(ofStepRecord path: String) -> RunID? {
        let parts = path.split(separator: "/")
        guard parts.count == 8, parts[0] == "incidents", parts[4] == "runs", parts[6] == "steps", parts[7].hasSuffix(".json"),
              let sequence = Int(parts[5]) else { return nil }
        return RunID(parsing: "\(parts[3])-\(sequence)")
    }

    /// The log of step number `index` (0-based) with id `step`, relative to the run's folder.
    public static func logName(index: Int, step: String) -> String {
        String(format: "%02d", index + 1) + "-\(step).log"
    }

    /// A decision on step `step`.
    public static func decision(of run: RunID, step: String) -> String {
        folder(of: run) + "/decisions/\(step).json"
    }

    /// The cancel request.
    public static func cancel(of run: RunID) -> String {
        folder(of: run) + "/cancel.json"
    }

    /// Whether `path` is a run record, and of which run.
    public static func runID(ofRecord path: String) -> RunID? {
        let parts = path.split(separator: "/")
        guard parts.count == 7, parts[0] == "incidents", parts[4] == "runs", parts[6] == "run.json",
              let sequence = Int(parts[5]) else { return nil }
        return RunID(parsing: "\(parts[3])-\(sequence)")
    }

    /// The JSON of run records and decisions: sorted keys, one field per line, so `git show` diffs
    /// read well; the types spell their keys in snake case themselves.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// `value` as a file change at `path`.
    static func write<Value: Encodable>(_ value: Value, to path: String) throws -> FileChange {
        .write(path: path, contents: try encoder.encode(value) + Data("\n".utf8))
    }
}
