import Foundation
import ITIL
import Wiki

/// The runs recorded on the audit branch: listing them, deciding on approvals, canceling, and
/// marking the ones whose process died as interrupted.
///
/// Decisions and cancels are files committed to the run's folder; the process running the run,
/// which may be another one, watches the branch for them. Git is the message bus.
public struct RunRegistry: Sendable {
    public let store: IncidentStore
    public let settings: ExecutorSettings

    public init(store: IncidentStore, settings: ExecutorSettings) {
        self.store = store
        self.settings = settings
    }

    /// Every run, oldest incident first.
    public func runs() throws -> [Run] {
        guard let head = try store.auditLog.head() else { return [] }
        let repository = store.auditLog.repository
        var records: [RunID: TreeEntry] = [:]
        var steps: [RunID: [TreeEntry]] = [:]
        for entry in try repository.files(at: head, under: "incidents") {
            if let id = RunFiles.runID(ofRecord: entry.path) {
                records[id] = entry
            } else if let id = RunFiles.runID(ofStepRecord: entry.path) {
                steps[id, default: []].append(entry)
            }
        }
        return try records.sorted { $0.key < $1.key }.map { id, entry in
            try assemble(entry.path, try repository.readBlob(entry.blob),
                         steps: (steps[id] ?? []).map { ($0.path, try repository.readBlob($0.blob)) })
        }
    }

    /// The run `id`.
    public func run(_ id: RunID) throws -> Run {
        guard let head = try store.auditLog.head() else { throw ExecutorError.unknownRun(id.description) }
        let repository = store.auditLog.repository
        let data: Data
        do {
            data = try repository.readFile(RunFiles.record(of: id), at: head)
        } catch WikiError.fileNotFound {
            throw ExecutorError.unknownRun(id.description)
        }
        // The steps folder holds the steps' logs too (sixteen steps to a folder).
        let stepFiles = try repository.files(at: head, under: RunFiles.folder(of: id) + "/steps").filter { $0.path.hasSuffix(".json") }
            .map { ($0.path, try repository.readBlob($0.blob)) }
        return try assemble(RunFiles.record(of: id), data, steps: stepFiles)
    }

    /// The log of a step's last attempt, if it ran.
    public func log(of run: Run, step index: Int) throws -> String? {
        guard let name = run.steps[index].log, let head = try store.auditLog.head() else { return nil }
        let data = try store.auditLog.repository.readFile(RunFiles.folder(of: run.id) + "/" + name, at: head)
        return String(decoding: data, as: UTF8.self)
    }

    /// Approves or denies the step run `id` waits on.
    ///
    /// - Returns: the step's id.
    @discardableResult
    public func decide(_ id: RunID, verdict: Decision.Verdict, by actor: String, reason: String? = nil) async throws -> String {
        let run = try run(id)
        guard run.state == .awaitingApproval, let step = run.steps.first(where: { $0.state == .awaitingApproval }) else {
            throw run.state.isFinal ? ExecutorError.runFinished(id, run.state) : ExecutorError.notAwaitingApproval(id, run.state)
        }
        let decision = Decision(verdict: verdict, by: actor, at: Date(), reason: reason)
        try await store.appendEvent(
            to: id.incident, event: verdict == .approve ? "approval-given" : "denial-given",
            subject: "run \(id): \(verdict == .approve ? "approval" : "denial") of step \(step.id) by \(actor)",
            files: [RunFiles.write(decision, to: RunFiles.decision(of: id, step: step.id))],
            trailers: RunExecution.trailers(of: run) + [Trailer("Step", step.id)], actor: actor)
        return step.id
    }

    /// Asks the process running `id` to cancel it: it kills the current step's processes and stops.
    public func cancel(_ id: RunID, by actor: String, reason: String? = nil) async throws {
        let run = try run(id)
        guard !run.state.isFinal else { throw ExecutorError.runFinished(id, run.state) }
        try await store.appendEvent(
            to: id.incident, event: "cancel-requested", subject: "run \(id): \(actor) asks to cancel",
            files: [RunFiles.write(Decision(verdict: .cancel, by: actor, at: Date(), reason: reason), to: RunFiles.cancel(of: id))],
            trailers: RunExecution.trailers(of: run), actor: actor)
    }

    /// Marks every unfinished run whose owning process is gone as interrupted, with a work note
    /// on its incident. Interrupted steps are never re-run automatically.
    ///
    /// - Returns: the runs it marked.
    public func markInterrupted(actor: String = Automation.actor) async throws -> [Run] {
        var marked: [Run] = []
        for listed in try runs() where !listed.state.isFinal && !FileLock.isHeld(settings.ownerLock(of: listed.id)) {
            // The owner lets go of its lock only after the run's final record is committed, and the list may be
            // older than that: read the record again now that the lock is free, so a run that just ended keeps its end.
            var run = try self.run(listed.id)
            guard !run.state.isFinal else { continue }
            let running = run.steps.filter { $0.state == .running || $0.state == .awaitingApproval }.map(\.id)
            for step in run.steps where step.state == .running {
                if let group = step.processGroup { OrphanedStep.kill(group: group, run: run.id) }
            }
            // Each changed step gets its record rewritten too, since a step's record wins over the run's copy.
            var stepFiles: [FileChange] = []
            for index in run.steps.indices {
                switch run.steps[index].state {
                case .running, .awaitingApproval: run.steps[index].state = .interrupted
                case .pending: run.steps[index].state = .skipped
                default: continue
                }
                stepFiles.append(try RunFiles.write(run.steps[index], to: RunFiles.stepRecord(of: run.id, index: index, step: run.steps[index].id)))
            }
            run.state = .interrupted
            run.endedAt = Date()
            let during = running.isEmpty ? "" : " during step \(running.joined(separator: ", "))"
            run.outcome = "the process running it (\(run.owner ?? "unknown")) stopped\(during); interrupted steps are not re-run"
            try await store.appendEvent(
                to: run.id.incident, event: "run-interrupted", subject: "run \(run.id) interrupted",
                files: [RunFiles.write(run, to: RunFiles.record(of: run.id))] + stepFiles, trailers: RunExecution.trailers(of: run),
                actor: actor)
            _ = try await store.apply(.noteAdded("Run \(run.id) of \(run.runbook) was interrupted: \(run.outcome!). "
                + "Check what the step did before running anything again."), to: run.id.incident, actor: actor)
            marked.append(run)
        }
        return marked
    }

    /// A run from its record and its steps' records, which are newer where they exist.
    private func assemble(_ path: String, _ data: Data, steps: [(path: String, data: Data)]) throws -> Run {
        var run: Run = try decode(path, data)
        for (stepPath, stepData) in steps {
            let step: StepRecord = try decode(stepPath, stepData)
            if let index = run.steps.firstIndex(where: { $0.id == step.id }) { run.steps[index] = step }
        }
        return run
    }

    private func decode<Value: Decodable>(_ path: String, _ data: Data) throws -> Value {
        do {
            return try RunFiles.decoder.decode(Value.self, from: data)
        } catch {
            throw ExecutorError.corruptRun(path: path, problem: "\(error)")
        }
    }
}
