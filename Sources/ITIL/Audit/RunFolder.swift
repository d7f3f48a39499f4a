import Foundation

/// Where a run's files live on the audit branch, next to its incident's record:
///
/// ```
/// incidents/000/00/INC0000042/runs/1/run.json                         the run record, rewritten by run-level events
/// incidents/000/00/INC0000042/runs/1/steps/01-16/01-check-usage.json  a step's record, rewritten by its events
/// incidents/000/00/INC0000042/runs/1/steps/01-16/01-check-usage.log   a step's output, with timestamps
/// incidents/000/00/INC0000042/runs/1/decisions/<step>.json            an approval or denial
/// incidents/000/00/INC0000042/runs/1/cancel.json                      a cancel request
/// ```
///
/// Steps are kept sixteen to a folder: every event of a step rewrites the trees above its files,
/// and with all of a long run's steps in one folder each event rewrote (hashed, compressed) a tree
/// of hundreds of entries. Runs recorded before this layout (`steps/01-x.json`, `01-x.log` beside
/// `run.json`) are still read: a step's record names its log by its path in the run's folder.
///
/// The one definition of the layout: the executor writes by it, the registry and ``AuditVerifier`` read by it.
public enum RunFolder {
    /// The run's folder.
    public static func path(of run: RunID) -> String {
        IncidentRecordFile.folder(for: run.incident) + "/runs/\(run.sequence)"
    }

    /// The run record.
    public static func record(of run: RunID) -> String {
        path(of: run) + "/run.json"
    }

    /// The record of step number `index` (0-based) with id `step`. Where it exists it is newer
    /// than the step's entry in `run.json`.
    public static func stepRecord(of run: RunID, index: Int, step: String) -> String {
        path(of: run) + "/" + stepPrefix(index: index, step: step) + ".json"
    }

    /// The log of step number `index` (0-based) with id `step`, relative to the run's folder.
    public static func logName(index: Int, step: String) -> String {
        stepPrefix(index: index, step: step) + ".log"
    }

    /// The log of one host of a step fanned out over several, relative to the run's folder.
    public static func hostLogName(index: Int, step: String, host: String) -> String {
        stepPrefix(index: index, step: step) + "@\(host).log"
    }

    /// A decision on step `step`.
    public static func decision(of run: RunID, step: String) -> String {
        path(of: run) + "/decisions/\(step).json"
    }

    /// The cancel request.
    public static func cancel(of run: RunID) -> String {
        path(of: run) + "/cancel.json"
    }

    /// Whether `path` is a run record, and of which run.
    public static func runID(ofRecord path: String) -> RunID? {
        let parts = path.split(separator: "/")
        guard parts.count == 7, parts[0] == "incidents" || parts[0] == "jobs", parts[4] == "runs", parts[6] == "run.json",
              let sequence = Int(parts[5]) else { return nil }
        return RunID(parsing: "\(parts[3])-\(sequence)")
    }

    /// Whether `path` is a step record (either layout), and of which run.
    public static func runID(ofStepRecord path: String) -> RunID? {
        let parts = path.split(separator: "/")
        guard parts.count == 8 || parts.count == 9, parts[0] == "incidents" || parts[0] == "jobs", parts[4] == "runs", parts[6] == "steps",
              parts.last!.hasSuffix(".json"), let sequence = Int(parts[5]) else { return nil }
        return RunID(parsing: "\(parts[3])-\(sequence)")
    }

    /// `steps/01-16/01-check-usage`: the step's folder of sixteen and its numbered name.
    private static func stepPrefix(index: Int, step: String) -> String {
        let first = index / stepsPerFolder * stepsPerFolder + 1
        return "steps/" + String(format: "%02d-%02d/%02d", first, first + stepsPerFolder - 1, index + 1) + "-\(step)"
    }

    private static let stepsPerFolder = 16
}
