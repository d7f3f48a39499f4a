import Foundation
import ITIL
import Runbooks
import Synchronization
import Wiki

/// One run in progress: its record, its journal of audit events, its work directory, and what it
/// waits for. Lives for the duration of ``execute(settle:)``, on one task.
///
/// A run waits for two things that are not its own: a worker (a slot shared by every process on the
/// wiki) and, before a step that needs one, a person's decision. It holds a worker only while it runs
/// steps: waiting for a person costs nothing, and a run whose process stops while it waits (a
/// shutdown, a deploy, `kill -9`) is picked up again by the next server (``Resumption``).
final class RunExecution {
    var run: Run
    let plan: RunPlan
    let store: IncidentStore
    let settings: ExecutorSettings
    let actor: String
    let progress: @Sendable (RunProgress) -> Void
    let journal: RunJournal
    let cancellation = StepCancellation()
    /// Who asked for the cancel, once someone did.
    let canceledBy = CancelRequester()
    let watch: RunWatch
    let workDirectory: String
    let scriptDirectory: String
    /// The ssh configuration of the run's inventory, written (or found) by its first remote step.
    var sshConfiguration: String?
    /// The worker slot while steps run, and the runbook's concurrency slot for the whole run.
    var worker: FileLock?
    var ownSlot: FileLock?
    /// Where a run taken over from a stopped process picks up; nil for a new run.
    let resumption: Resumption?

    /// A run picked up after its process stopped: from which step, and how much of its timeout is left.
    struct Resumption {
        let step: Int
        let startedBefore: Bool
    }

    /// A new run (`resuming` nil), or one taken over (its record as committed, with its `resumePoint`).
    init(run: Run, plan: RunPlan, store: IncidentStore, settings: ExecutorSettings, actor: String, resuming: Resumption? = nil,
         progress: @escaping @Sendable (RunProgress) -> Void) {
        self.run = run
        self.plan = plan
        self.store = store
        self.settings = settings
        self.actor = actor
        self.progress = progress
        resumption = resuming
        journal = RunJournal(store: store, incident: run.id.incident)
        workDirectory = settings.workRoot + "/\(run.id)"
        scriptDirectory = settings.workRoot + "/\(run.id).steps"
        let (cancellation, canceledBy) = (cancellation, canceledBy)
        watch = RunWatch(store: store, run: run.id) { request in
            canceledBy.record(request.by + (request.reason.map { ": \($0)" } ?? ""))
            cancellation.cancel()
        }
    }

    deinit {
        watch.stop()
    }

    /// Runs the whole thing and returns the final record, committed and durable, together with
    /// what `settle` decides for the incident once the run has ended; or, when a shutting-down server
    /// stops it while it waits, the record as it stands, left for the next server to resume.
    func execute(settle: (Run) -> @Sendable (Incident) -> [IncidentEvent]) async throws -> Run {
        try FileManager.default.createDirectory(atPath: settings.stateDirectory + "/runbook-runs", withIntermediateDirectories: true)
        guard let owner = try FileLock.tryAcquire(settings.ownerLock(of: run.id)) else { throw ExecutorError.runOwned(run.id) }
        defer { withExtendedLifetime(owner) {} }
        announce()
        // Canceling the task running this (Ctrl-C on `runbook trigger`, a server shutting down)
        // cancels the run the ordinary way: the step's processes are killed and the run ends
        // `canceled`, committed, instead of being left for someone to find interrupted. A server
        // shutting down suspends a run that only waits instead.
        do {
            try await withTaskCancellationHandler {
                try await runWhenSlotsAreFree()
            } onCancel: { [cancellation, canceledBy, settings, watch] in
                canceledBy.record("an interrupt of the process running it", interrupting: settings.interruptOnTaskCancel)
                cancellation.cancel()
                watch.signal.fire()
            }
        } catch is RunSuspended {
            releaseSlots()
            try await journal.drain()
            progress(.suspended(run))
            return run
        }
        releaseSlots()
        finish()
        post(.runEnded, "ended: \(run.state.rawValue)")
        journal.post(change: settle(run), actor: Automation.actor)
        try await journal.drain()
        removeWorkDirectory()
        progress(.ended(run))
        return run
    }

    /// The run's first event: queued, or taken over by this process.
    private func announce() {
        if let resumption {
            run.owner = settings.owner
            let at = resumption.step < run.steps.count ? " at step \(run.steps[resumption.step].id)" : ""
            post(.runResumed, "taken over by \(settings.owner)\(at) after its process stopped")
        } else {
            post(.runQueued, "\(run.runbook) queued")
        }
        progress(.queued(run))
    }

    // MARK: - Phases

    /// Waits in the queue, then runs the steps, unless canceled first.
    private func runWhenSlotsAreFree() async throws {
        let first = resumption?.step ?? 0
        let waitsForApproval = first < run.steps.count && run.steps[first].state == .awaitingApproval
        // A run resumed while it waits for a person takes no worker until the person decides.
        try await waitForSlots(worker: !waitsForApproval)
        // What was decided while no process ran it. A new run has heard everything since it was made.
        if resumption != nil { await watch.catchUp(awaiting: waitsForApproval ? run.steps[first].id : nil) }
        guard !cancellation.isCanceled else { return }
        if resumption?.startedBefore != true { try start() } else { try makeWorkDirectories() }
        try await runSteps(from: first)
    }

    /// Marks the run started and moves the incident to In Progress, assigned to automation.
    private func start() throws {
        try makeWorkDirectories()
        run.state = .running
        post(.runStarted, "\(run.runbook) started")
        progress(.started(run))
        // Through the journal, like the run's own events: the first step need not wait for this commit.
        // Automation's move records the work; it does not answer the response target (a person does).
        journal.post(change: { incident in
            var events: [IncidentEvent] = []
            if incident.state == .new || incident.state == .onHold { events.append(.transitioned(to: .inProgress)) }
            // Someone who took it up (acknowledged, was assigned) keeps it; automation works on it beside them.
            if incident.assignedTo == nil { events.append(.assigned(group: incident.assignmentGroup, to: Automation.actor)) }
            return events
        }, actor: Automation.actor)
    }

    private func makeWorkDirectories() throws {
        for path in [workDirectory, scriptDirectory] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    /// Every step from `first` on, until one stops the run.
    private func runSteps(from first: Int) async throws {
        var deadline = plan.runbook.timeout.map { timeout in
            // A resumed run has what its earlier steps left of the timeout.
            let spent = run.steps[..<first].compactMap(\.durationSeconds).reduce(0, +)
            return ContinuousClock.now + .milliseconds(Int64((timeout.seconds - spent) * 1000))
        }
        for index in first..<plan.runbook.steps.count {
            let step = plan.runbook.steps[index]
            if cancellation.isCanceled { return stop(canceledState, at: index, because: canceledReason()) }
            if let deadline, deadline <= .now { return stop(.failed, at: index, because: "the run's timeout of \(plan.runbook.timeout!) ran out") }
            if step.approve && run.steps[index].decidedBy == nil {
                let waitStarted = ContinuousClock.now
                guard try await approve(index) else { return }
                // Waiting for a person does not count against the run's timeout.
                deadline = deadline.map { $0 + (ContinuousClock.now - waitStarted) }
            }
            let succeeded = try await runStep(index, step, deadline: deadline)
            if succeeded || step.onFailure == .continue && !cancellation.isCanceled { continue }
            if cancellation.isCanceled { return stop(canceledState, at: index + 1, because: canceledReason()) }
            let record = run.steps[index]
            return stop(.failed, at: index + 1, because: "step \(record.id) \(Self.describe(record))")
        }
        run.state = .succeeded
        let continued = run.steps.filter { $0.state != .succeeded }
        if !continued.isEmpty {
            run.outcome = "continued past " + continued.map { "\($0.id) (\(Self.describe($0)))" }.joined(separator: ", ")
        }
    }

    /// Ends the run as `state` with `reason`; steps from `index` on are skipped.
    func stop(_ state: RunState, at index: Int, because reason: String) {
        run.state = state
        run.outcome = reason
        for later in index..<run.steps.count where run.steps[later].state == .pending {
            run.steps[later].state = .skipped
        }
    }

    /// Ends a run that stopped before its steps did (canceled while it waited, or taken over with a cancel on record):
    /// a step that awaited approval is canceled with it.
    private func finish() {
        if !run.state.isFinal {
            for index in run.steps.indices where run.steps[index].state == .awaitingApproval {
                run.steps[index].state = canceledBy.interrupting ? .interrupted : .canceled
            }
            stop(canceledState, at: 0, because: canceledReason())
        }
        run.endedAt = Date()
    }

    func canceledReason() -> String {
        if canceledBy.interrupting { return "interrupted: the server shut down before the run ended; its steps are not re-run" }
        return canceledBy.name.map { "canceled by \($0)" } ?? "canceled"
    }

    /// How a canceled run ends: `interrupted` when a shutting-down server stopped it, else `canceled`.
    var canceledState: RunState {
        canceledBy.interrupting ? .interrupted : .canceled
    }

    /// Who canceled the run (and why, when they said), shared with the watch that hears cancel requests.
    final class CancelRequester: Sendable {
        private let requester = Mutex<(name: String?, interrupting: Bool)>((nil, false))

        func record(_ name: String, interrupting: Bool = false) { requester.withLock { $0 = (name, interrupting) } }
        var name: String? { requester.withLock { $0.name } }
        /// Whether the run is being stopped by a shutdown rather than canceled by someone.
        var interrupting: Bool { requester.withLock { $0.interrupting } }
    }

    private func removeWorkDirectory() {
        try? FileManager.default.removeItem(atPath: workDirectory)
        try? FileManager.default.removeItem(atPath: scriptDirectory)
    }
}

/// Thrown inside a run that a shutting-down server stops while it only waits (for a worker or a person):
/// its record stays as it is, for the next server to resume.
struct RunSuspended: Error {}
