import Foundation
import ITIL
import Synchronization
import Wiki

/// The runs recorded on the audit branch: listing them, deciding on approvals, canceling, and
/// finding the ones whose process stopped: those that only waited are resumed, the others marked
/// interrupted.
///
/// Decisions and cancels are files committed to the run's folder; the process running the run,
/// which may be another one, hears of them as events (``RunWatch``). Git is the message bus. With an
/// ``index`` (the server's) runs are read from memory; without one (a CLI command) from git.
public struct RunRegistry: Sendable {
    public let store: IncidentStore
    public let settings: ExecutorSettings
    /// Every run in memory, when this process keeps one.
    public let index: RunIndex?
    private let desk = DecisionDesk()

    public init(store: IncidentStore, settings: ExecutorSettings, index: RunIndex? = nil) {
        self.store = store
        self.settings = settings
        self.index = index
    }

    // MARK: - Reading

    /// Every run, oldest incident first.
    public func runs() async throws -> [Run] {
        if let index { return index.runs() }
        let (reader, branch) = (store.reader, store.auditLog.branch)
        return try await offThePool {
            guard let head = try reader.branchHead(branch) else { return [] }
            return try RunArchive.runs(at: head, in: reader)
        }
    }

    /// The runs (of `incident`, when given) in `states` (any, when nil), newest first, from the `offset`th on, at
    /// most `limit`; and how many there are.
    public func page(of incident: IncidentNumber?, in states: Set<RunState>?, offset: Int, limit: Int) async throws -> (runs: [Run], total: Int) {
        let filter = states.map { states in { (run: Run) in states.contains(run.state) } }
        if let index { return index.page(of: incident, offset: offset, limit: limit, where: filter) }
        let matching = try await runs().filter { run in (incident.map { run.id.incident == $0 } ?? true) && (filter?(run) ?? true) }
        return (Array(matching.reversed().dropFirst(offset).prefix(limit)), matching.count)
    }

    /// The run `id`.
    ///
    /// - Throws: ``ExecutorError/unknownRun(_:)`` when there is none.
    public func run(_ id: RunID) async throws -> Run {
        if let index {
            guard let run = index.run(id) else { throw ExecutorError.unknownRun(id.description) }
            return run
        }
        let (reader, branch) = (store.reader, store.auditLog.branch)
        return try await offThePool {
            guard let head = try reader.branchHead(branch) else { throw ExecutorError.unknownRun(id.description) }
            return try RunArchive.run(id, at: head, in: reader)
        }
    }

    /// The log of a step's last attempt, if it ran and its end is committed.
    public func log(of run: Run, step index: Int) async throws -> String? {
        let (reader, branch) = (store.reader, store.auditLog.branch)
        return try await offThePool {
            guard let head = try reader.branchHead(branch) else { return nil }
            return try RunArchive.log(of: run, step: index, at: head, in: reader)
        }
    }

    // MARK: - Deciding

    /// What a decision came to: the step it was about and the decision on record, which is an earlier one
    /// when the same decision had been made already (nothing new is committed then).
    public struct Receipt: Sendable {
        public let step: String?
        public let decision: Decision
        /// Whether this call committed it.
        public let committed: Bool
    }

    /// Approves or denies the step run `id` waits on. Deciding again as before answers the same and
    /// commits nothing; deciding the other way is refused.
    ///
    /// - Throws: ``ExecutorError/alreadyDecided(_:step:_:)``, ``ExecutorError/runFinished(_:_:)``,
    ///   ``ExecutorError/notAwaitingApproval(_:_:)``, ``ExecutorError/unknownRun(_:)``.
    @discardableResult
    public func decide(_ id: RunID, verdict: Decision.Verdict, by actor: String, reason: String? = nil) async throws -> Receipt {
        // One decision at a time per run in this process: the second of two at once sees the first.
        try await desk.one(at: id) {
            let run = try await run(id)
            if run.state == .awaitingApproval, let step = run.steps.first(where: { $0.state == .awaitingApproval }) {
                if let earlier = try await decision(of: id, step: step.id) {
                    guard earlier.verdict == verdict else { throw ExecutorError.alreadyDecided(id, step: step.id, earlier) }
                    return Receipt(step: step.id, decision: earlier, committed: false)
                }
                let decision = Decision(verdict: verdict, by: actor, at: Date(), reason: reason)
                try await store.appendEvent(.init(
                    name: verdict == .approve ? .approvalGiven : .denialGiven,
                    subject: "run \(id): \(verdict == .approve ? "approval" : "denial") of step \(step.id) by \(actor)",
                    files: [RunFiles.write(decision, to: RunFolder.decision(of: id, step: step.id))],
                    trailers: RunExecution.trailers(of: run) + [Trailer(.step, step.id)], actor: actor, attachment: decision), to: id.incident)
                return Receipt(step: step.id, decision: decision, committed: true)
            }
            // Decided already, and the run acted on it: the same decision again is answered as before.
            if let step = run.steps.last(where: { $0.decidedBy != nil }), let earlier = try await decision(of: id, step: step.id) {
                guard earlier.verdict == verdict else { throw ExecutorError.alreadyDecided(id, step: step.id, earlier) }
                return Receipt(step: step.id, decision: earlier, committed: false)
            }
            throw run.state.isFinal ? ExecutorError.runFinished(id, run.state) : ExecutorError.notAwaitingApproval(id, run.state)
        }
    }

    /// Asks the process running `id` to cancel it: it kills the current step's processes and stops. Asking
    /// again while the request stands commits nothing.
    @discardableResult
    public func cancel(_ id: RunID, by actor: String, reason: String? = nil) async throws -> Receipt {
        try await desk.one(at: id) {
            let run = try await run(id)
            // Asked before: answered as then, also once the run has ended.
            if let earlier = try await cancelRequest(of: id) { return Receipt(step: nil, decision: earlier, committed: false) }
            guard !run.state.isFinal else { throw ExecutorError.runFinished(id, run.state) }
            let request = Decision(verdict: .cancel, by: actor, at: Date(), reason: reason)
            try await store.appendEvent(.init(
                name: .cancelRequested, subject: "run \(id): \(actor) asks to cancel",
                files: [RunFiles.write(request, to: RunFolder.cancel(of: id))], trailers: RunExecution.trailers(of: run), actor: actor,
                attachment: request), to: id.incident)
            return Receipt(step: nil, decision: request, committed: true)
        }
    }

    /// The decision on `step` of run `id`: from memory when this process has seen it made, else from git (the index
    /// does not load every run's decisions at start-up).
    private func decision(of id: RunID, step: String) async throws -> Decision? {
        if let known = index?.decision(of: id, step: step) { return known }
        let (reader, branch) = (store.reader, store.auditLog.branch)
        return try await offThePool {
            guard let head = try reader.branchHead(branch) else { return nil }
            return try RunArchive.decision(of: id, step: step, at: head, in: reader)
        }
    }

    /// The cancel request of run `id`, the same way.
    private func cancelRequest(of id: RunID) async throws -> Decision? {
        if let known = index?.cancelRequest(of: id) { return known }
        let (reader, branch) = (store.reader, store.auditLog.branch)
        return try await offThePool {
            guard let head = try reader.branchHead(branch) else { return nil }
            return try RunArchive.cancelRequest(of: id, at: head, in: reader)
        }
    }

    // MARK: - Runs whose process stopped

    /// Unfinished runs whose process is gone that only waited (for a worker or a person): a server takes
    /// them over (``RunLauncher/resume(_:runbook:progress:)``), and a CLI command leaves them be.
    public func resumable() async throws -> [Run] {
        try await orphans().filter { $0.resumePoint != nil }
    }

    /// Marks every unfinished run whose process is gone and that was running a step (or between steps)
    /// as interrupted, with a work note on its incident: what that step did is unknown, so it is never
    /// re-run. Runs that only waited are left for a server to resume (``resumable()``).
    ///
    /// - Returns: the runs it marked.
    public func markInterrupted(actor: String = Automation.actor) async throws -> [Run] {
        var marked: [Run] = []
        for orphan in try await orphans() where orphan.resumePoint == nil {
            var run = orphan
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
                stepFiles.append(try RunFiles.write(run.steps[index], to: RunFolder.stepRecord(of: run.id, index: index, step: run.steps[index].id)))
            }
            run.state = .interrupted
            run.endedAt = Date()
            let during = running.isEmpty ? "" : " during step \(running.joined(separator: ", "))"
            run.outcome = "the process running it (\(run.owner ?? "unknown")) stopped\(during); interrupted steps are not re-run"
            try await store.appendEvent(.init(
                name: .runInterrupted, subject: "run \(run.id) interrupted",
                files: [RunFiles.write(run, to: RunFolder.record(of: run.id))] + stepFiles, trailers: RunExecution.trailers(of: run),
                actor: actor, attachment: run), to: run.id.incident)
            _ = try await store.apply(.noteAdded("Run \(run.id) of \(run.runbook) was interrupted: \(run.outcome!). "
                + "Check what the step did before running anything again."), to: run.id.incident, actor: actor)
            marked.append(run)
        }
        return marked
    }

    /// Unfinished runs no live process owns, read afresh: the owner lets go of its lock only after the run's
    /// last record is committed, and a list may be older than that, so a run that just ended keeps its end.
    private func orphans() async throws -> [Run] {
        var found: [Run] = []
        for listed in try await runs() where !listed.state.isFinal && !FileLock.isHeld(settings.ownerLock(of: listed.id)) {
            let run = try await fresh(listed.id)
            if !run.state.isFinal { found.append(run) }
        }
        return found
    }

    /// The run as git has it now (the index may not have caught up with a commit of the process that just let go).
    private func fresh(_ id: RunID) async throws -> Run {
        let (reader, branch) = (store.reader, store.auditLog.branch)
        return try await offThePool {
            guard let head = try reader.branchHead(branch) else { throw ExecutorError.unknownRun(id.description) }
            return try RunArchive.run(id, at: head, in: reader)
        }
    }
}

/// Takes decisions on one run one at a time, in this process.
final class DecisionDesk: Sendable {
    private let tails = Mutex<(next: UInt64, last: [RunID: (UInt64, Task<Void, Never>)])>((0, [:]))

    /// Runs `body` after every earlier call for `run` has finished.
    func one<Value: Sendable>(at run: RunID, _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let (ticket, task): (UInt64, Task<Value, Error>) = tails.withLock { tails in
            let previous = tails.last[run]?.1
            let task = Task {
                await previous?.value
                return try await body()
            }
            tails.next += 1
            tails.last[run] = (tails.next, Task { _ = try? await task.value })
            return (tails.next, task)
        }
        defer {
            // The last in line leaves no trace: a desk serves every run the server ever had.
            tails.withLock { tails in
                if tails.last[run]?.0 == ticket { tails.last[run] = nil }
            }
        }
        return try await task.value
    }
}
