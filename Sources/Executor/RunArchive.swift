import Foundation
import ITIL
import Wiki

/// Runs, decisions and logs as the audit branch holds them at a commit: what ``RunIndex`` loads at
/// start-up and re-reads for other processes' commits, and what the CLI reads in-process.
///
/// Reads block on git; callers keep them off the cooperative thread pool.
enum RunArchive {
    /// The run `id` at `commit`: its record with its steps' records, which are newer where they exist.
    static func run(_ id: RunID, at commit: ObjectID, in repository: Repository) throws -> Run {
        let data: Data
        do {
            data = try repository.readFile(RunFolder.record(of: id), at: commit)
        } catch WikiError.fileNotFound {
            throw ExecutorError.unknownRun(id.description)
        }
        // The steps folder holds the steps' logs too (sixteen steps to a folder).
        let stepFiles = try repository.files(at: commit, under: RunFolder.path(of: id) + "/steps").filter { $0.path.hasSuffix(".json") }
            .map { ($0.path, try repository.readBlob($0.blob)) }
        return try assemble(RunFolder.record(of: id), data, steps: stepFiles)
    }

    /// Every run at `commit`, oldest incident first; records are read and decoded on all cores.
    static func runs(at commit: ObjectID, in repository: Repository) throws -> [Run] {
        var records: [RunID: TreeEntry] = [:]
        var steps: [RunID: [TreeEntry]] = [:]
        let files = try repository.files(at: commit, under: IncidentStore.recordsFolder) + repository.files(at: commit, under: JobRecord.folder)
        for entry in files {
            if let id = RunFolder.runID(ofRecord: entry.path) {
                records[id] = entry
            } else if let id = RunFolder.runID(ofStepRecord: entry.path) {
                steps[id, default: []].append(entry)
            }
        }
        let ordered = records.sorted { $0.key < $1.key }
        let stepEntries = steps
        return try concurrentMap(ordered.indices) { index in
            Result {
                let (id, entry) = ordered[index]
                return try assemble(entry.path, try repository.readBlob(entry.blob),
                                    steps: (stepEntries[id] ?? []).map { ($0.path, try repository.readBlob($0.blob)) })
            }
        }.map { try $0.get() }
    }

    /// The decision on step `step` of run `id` at `commit`, if one was made.
    static func decision(of id: RunID, step: String, at commit: ObjectID, in repository: Repository) throws -> Decision? {
        try read(Decision.self, at: RunFolder.decision(of: id, step: step), commit: commit, in: repository)
    }

    /// The cancel request of run `id` at `commit`, if someone asked.
    static func cancelRequest(of id: RunID, at commit: ObjectID, in repository: Repository) throws -> Decision? {
        try read(Decision.self, at: RunFolder.cancel(of: id), commit: commit, in: repository)
    }

    /// The log of step number `index` of `run`'s last attempt at `commit`, if it has one.
    static func log(of run: Run, step index: Int, at commit: ObjectID, in repository: Repository) throws -> String? {
        guard let name = run.steps[index].log else { return nil }
        do {
            return String(decoding: try repository.readFile(RunFolder.path(of: run.id) + "/" + name, at: commit), as: UTF8.self)
        } catch WikiError.fileNotFound {
            return nil
        }
    }

    /// A JSON file at `commit`, if it is there.
    private static func read<Value: Decodable>(_ type: Value.Type, at path: String, commit: ObjectID, in repository: Repository) throws -> Value? {
        do {
            return try decode(path, try repository.readFile(path, at: commit))
        } catch WikiError.fileNotFound {
            return nil
        }
    }

    /// A run from its record and its steps' records, which are newer where they exist.
    private static func assemble(_ path: String, _ data: Data, steps: [(path: String, data: Data)]) throws -> Run {
        var run: Run = try decode(path, data)
        for (stepPath, stepData) in steps {
            let step: StepRecord = try decode(stepPath, stepData)
            if let index = run.steps.firstIndex(where: { $0.id == step.id }) { run.steps[index] = step }
        }
        return run
    }

    private static func decode<Value: Decodable>(_ path: String, _ data: Data) throws -> Value {
        do {
            return try RunFiles.decoder.decode(Value.self, from: data)
        } catch {
            throw ExecutorError.corruptRun(path: path, problem: "\(error)")
        }
    }
}
