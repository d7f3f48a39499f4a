import Foundation
import Synchronization
import ITIL
import Runbooks
import Wiki

/// One run in progress: its record, its journal of audit events, its work directory. Lives for
/// the duration of ``execute()``, on one task.
final class RunExecution {
    private var run: Run
    private let plan: RunPlan
    private let store: IncidentStore
    private let settings: ExecutorSettings
    private let actor: String
    private let progress: @Sendable (RunProgress) -> Void
    private let journal: RunJournal
    private let cancellation = StepCancellation()
    private let workDirectory: String
    private let scriptDirectory: String
    /// Who asked for the cancel, once someone did.
    private let canceledBy = CancelRequester()

    init(id: RunID, plan: RunPlan, commit: ObjectID, store: IncidentStore, settings: ExecutorSettings, actor: String,
         progress: @escaping @Sendable (RunProgress) -> Void) throws {
        run = Run(
            id: id, runbook: plan.runbook.id, runbookPath: plan.runbook.path, runbookCommit: commit, parameters: plan.parameters,
            steps: plan.runbook.steps.map { StepRecord(id: $0.id, title: $0.title, language: $0.language) }, actor: actor,
            createdAt: Date(), owner: settings.owner)
        self.plan = plan
        self.store = store
        self.settings = settings
        self.actor = actor
        self.progress = progress
        journal = RunJournal(store: store, incident: id.incident)
        workDirectory = settings.workRoot + "/\(id)"
        scriptDirectory = settings.workRoot + "/\(id).steps"
    }

    /// Runs the whole thing and returns the final record, committed and durable, together with
    /// what `settle` decides for the incident once the run has ended.
    func execute(settle: (Run) -> @Sendable (Incident) -> [IncidentEvent]) async throws -> Run {
        try FileManager.default.createDirectory(atPath: settings.stateDirectory + "/runbook-runs", withIntermediateDirectories: true)
        guard let owner = try FileLock.tryAcquire(settings.ownerLock(of: run.id)) else { throw ExecutorError.unknownRun(run.id.description) }
        defer { withExtendedLifetime(owner) {} }
        post("run-queued", "\(run.runbook) queued")
        progress(.queued(run))
        // Canceling the task running this (Ctrl-C on `runbook trigger`, a server shutting down)
        // cancels the run the ordinary way: the step's processes are killed and the run ends
        // `canceled`, committed, instead of being left for someone to find interrupted.
        try await withTaskCancellationHandler {
            try await runWhenSlotsAreFree()
        } onCancel: { [cancellation, canceledBy, settings] in
            canceledBy.record("an interrupt of the process running it", interrupting: settings.interruptOnTaskCancel)
            cancellation.cancel()
        }
        finish()
        post("run-ended", "ended: \(run.state.rawValue)")
        journal.post(change: settle(run), actor: Automation.actor)
        try await journal.drain()
        removeWorkDirectory()
        progress(.ended(run))
        return run
    }

    // MARK: - Phases

    /// Waits in the queue, then runs the steps, unless canceled first.
    private func runWhenSlotsAreFree() async throws {
        let slots = try await waitForSlots()
        defer { withExtendedLifetime(slots) {} }
        // A cancel committed while the run waited for its slots wins, even if a slot came free first.
        if !cancellation.isCanceled, let request = try cancelRequest() {
            canceledBy.record(request.by + (request.reason.map { ": \($0)" } ?? ""))
            cancellation.cancel()
        }
        guard !cancellation.isCanceled else { return }
        try start()
        let monitor = Self.startCancelWatch(
            store: store, run: run.id, cancellation: cancellation, requester: canceledBy, interval: settings.pollInterval)
        defer { monitor.cancel() }
        try await runSteps()
    }

    /// Takes a worker slot and one of the runbook's concurrency slots, waiting in the queue until both are free.
    private func waitForSlots() async throws -> [FileLock] {
        let limit = plan.runbook.concurrency ?? Int.max
        while true {
            if let worker = try FileLock.acquireSlot(settings.workerSlots, count: settings.workers) {
                if limit == Int.max { return [worker] }
                let prefix = settings.concurrencySlots(runbook: plan.runbook.path, parameters: plan.parameters)
                if let own = try FileLock.acquireSlot(prefix, count: limit) { return [worker, own] }
            }
            if cancellation.isCanceled { return [] }
            if let request = try cancelRequest() {
                canceledBy.record(request.by + (request.reason.map { ": \($0)" } ?? ""))
                cancellation.cancel()
                return []
            }
            try? await Task.sleep(for: settings.pollInterval)
        }
    }

    /// Marks the run started and moves the incident to In Progress, assigned to automation.
    private func start() throws {
        try FileManager.default.createDirectory(
            atPath: workDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createDirectory(
            atPath: scriptDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        run.state = .running
        post("run-started", "\(run.runbook) started")
        progress(.started(run))
        // Through the journal, like the run's own events: the first step need not wait for this commit.
        journal.post(change: { incident in
            var events: [IncidentEvent] = []
            if incident.state == .new || incident.state == .onHold { events.append(.transitioned(to: .inProgress)) }
            if incident.assignedTo != Automation.actor { events.append(.assigned(group: incident.assignmentGroup, to: Automation.actor)) }
            return events
        }, actor: Automation.actor)
    }

    /// Every step in order, until one stops the run.
    private func runSteps() async throws {
        var deadline = plan.runbook.timeout.map { ContinuousClock.now + .milliseconds(Int64($0.seconds * 1000)) }
        for (index, step) in plan.runbook.steps.enumerated() {
            if cancellation.isCanceled { return stop(canceledState, at: index, because: canceledReason()) }
            if let deadline, deadline <= .now { return stop(.failed, at: index, because: "the run's timeout of \(plan.runbook.timeout!) ran out") }
            if step.approve {
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
    private func stop(_ state: RunState, at index: Int, because reason: String) {
        run.state = state
        run.outcome = reason
        for later in index..<run.steps.count where run.steps[later].state == .pending {
            run.steps[later].state = .skipped
        }
    }

    private func finish() {
        if run.state == .queued || run.state == .running { stop(canceledState, at: 0, because: canceledReason()) }
        run.endedAt = Date()
    }

    // MARK: - Steps

    /// Runs a step with its retries; true when it succeeded.
    private func runStep(_ index: Int, _ step: Step, deadline: ContinuousClock.Instant?) async throws -> Bool {
        let delay = step.retryDelay.map { Duration.milliseconds(Int64($0.seconds * 1000)) } ?? .zero
        for attempt in 1...(step.retries + 1) {
            let (succeeded, log) = try await attemptStep(index, step, attempt: attempt, deadline: deadline)
            // No retry the run's timeout would cut off before it starts.
            let timeLeft = deadline.map { $0 > .now + delay } ?? true
            let willRetry = !succeeded && attempt <= step.retries && !cancellation.isCanceled && timeLeft
            let logFile = FileChange.write(path: RunFiles.folder(of: run.id) + "/" + RunFiles.logName(index: index, step: step.id),
                                           contents: Data(log.utf8))
            post("step-ended", "step \(step.id) \(Self.describe(run.steps[index]))", step: step.id, files: [logFile])
            progress(.stepEnded(index: index, step: run.steps[index], willRetry: willRetry))
            if succeeded { return true }
            guard willRetry else { return false }
            if delay > .zero { try await sleepUnlessCanceled(for: delay) }
            // A cancel during the delay ends the step as it is: no attempt is recorded that never ran.
            if cancellation.isCanceled { return false }
        }
        return false
    }

    /// One attempt: writes the script, runs it, records the outcome. True on exit status 0, with the attempt's log.
    private func attemptStep(_ index: Int, _ step: Step, attempt: Int, deadline: ContinuousClock.Instant?) async throws -> (Bool, String) {
        run.steps[index].state = .running
        run.steps[index].attempts = attempt
        if run.steps[index].startedAt == nil { run.steps[index].startedAt = Date() }
        let log: String
        do {
            // The start is committed once the process runs, with its process group for crash cleanup.
            let outcome = try await execute(step, index: index, deadline: deadline) { pid in
                run.steps[index].processGroup = pid
                post("step-started", "step \(step.id) started" + (attempt > 1 ? " (attempt \(attempt))" : ""), step: step.id)
                progress(.stepStarted(index: index, step: run.steps[index], attempt: attempt))
            }
            run.steps[index].processGroup = nil
            record(outcome, index: index)
            log = outcome.log
        } catch {
            run.steps[index].state = .failed
            run.steps[index].exitCode = nil
            run.steps[index].endedAt = Date()
            run.steps[index].log = RunFiles.logName(index: index, step: step.id)
            log = "[runbook] the step could not start: \(error)\n"
            progress(.output(index: index, line: log.trimmingCharacters(in: .newlines)))
        }
        return (run.steps[index].state == .succeeded, log)
    }

    /// Starts the step's process and waits for it.
    private func execute(
        _ step: Step, index: Int, deadline: ContinuousClock.Instant?, onStart: (pid_t) -> Void
    ) async throws -> StepOutcome {
        guard let interpreter = Interpreter.path(for: step.language) else {
            throw StepLaunchError(executable: step.language, reason: "no interpreter for this language on \(Interpreter.searchPath)")
        }
        // One file rewritten for each step in turn (steps of a run never overlap): truncating a file
        // is cheaper than creating one, which on some file systems costs more than the step itself.
        let script = scriptDirectory + "/step.script"
        try Self.writeScript(step.code, to: script)
        let environment = plan.environment(
            incident: run.id.incident.description, run: run.id.description, step: step, workDirectory: workDirectory)
        var timeout = step.timeout.map { Duration.milliseconds(Int64($0.seconds * 1000)) }
        if let deadline {
            let left = deadline - .now
            timeout = timeout.map { min($0, left) } ?? left
        }
        let progress = self.progress
        return try await StepProcess.run(
            StepCommand(executable: interpreter, arguments: [script], environment: environment, workingDirectory: workDirectory),
            limits: StepLimits(timeout: timeout, gracePeriod: settings.gracePeriod, outputCap: settings.outputCap),
            cancellation: cancellation,
            onLine: { progress(.output(index: index, line: $0)) },
            onStart: onStart)
    }

    /// Writes a step's script, readable by its owner only. A scratch file: no sync to disk.
    ///
    /// Overwritten in place and cut to length after, not truncated first: freeing the old blocks
    /// and allocating them again costs more on ext4 than a short step does.
    private static func writeScript(_ code: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ExecutorError.workDirectory(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let bytes = Array(code.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + offset, $0.count - offset, off_t(offset)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw ExecutorError.workDirectory(path: path, reason: String(cString: strerror(errno))) }
            offset += written
        }
        guard ftruncate(descriptor, off_t(bytes.count)) == 0 else {
            throw ExecutorError.workDirectory(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Copies a process outcome into the step's record.
    private func record(_ outcome: StepOutcome, index: Int) {
        var step = run.steps[index]
        switch outcome.termination {
        case .exited(let status):
            step.state = status == 0 ? .succeeded : .failed
            step.exitCode = status
            step.signal = nil
        case .signaled(let signal):
            step.state = .failed
            step.exitCode = nil
            step.signal = signal
        case .timedOut:
            step.state = .timedOut
        case .canceled:
            step.state = canceledBy.interrupting ? .interrupted : .canceled
        }
        step.endedAt = Date()
        step.durationSeconds = Double(outcome.duration.components.seconds) + Double(outcome.duration.components.attoseconds) / 1e18
        step.log = RunFiles.logName(index: index, step: step.id)
        step.outputBytes = outcome.outputBytes
        step.droppedBytes = outcome.droppedBytes
        run.steps[index] = step
    }

    // MARK: - Approvals and cancels

    /// Waits for a decision on step `index`; true when approved.
    private func approve(_ index: Int) async throws -> Bool {
        let step = run.steps[index]
        run.state = .awaitingApproval
        run.steps[index].state = .awaitingApproval
        post("approval-requested", "step \(step.id) awaits approval", step: step.id)
        try await journal.drain()
        progress(.awaitingApproval(index: index, step: run.steps[index], run: run.id))
        while true {
            if cancellation.isCanceled {
                run.steps[index].state = canceledBy.interrupting ? .interrupted : .canceled
                stop(canceledState, at: index + 1, because: canceledReason())
                post("step-ended", "step \(step.id) canceled while awaiting approval", step: step.id)
                return false
            }
            if let decision = try read(Decision.self, at: RunFiles.decision(of: run.id, step: step.id)) {
                return decide(index, decision)
            }
            // The problem went away (the alert resolved, or someone closed the incident): what waits
            // for approval was meant for a problem that is no longer there.
            if let incident = try? await store.incident(run.id.incident), !incident.state.isOpen {
                run.steps[index].state = .canceled
                stop(.canceled, at: index + 1, because: "\(incident.number) became \(incident.state.title) while step \(step.id) awaited approval")
                post("step-ended", "step \(step.id) canceled: \(incident.number) is \(incident.state.title)", step: step.id)
                return false
            }
            try? await Task.sleep(for: settings.pollInterval)
        }
    }

    /// Applies a decision on step `index`; true when it lets the run go on.
    private func decide(_ index: Int, _ decision: Decision) -> Bool {
        let id = run.steps[index].id
        run.steps[index].decidedBy = decision.by
        run.steps[index].decisionReason = decision.reason
        if decision.verdict == .approve {
            run.state = .running
            run.steps[index].state = .pending
            post("approved", "step \(id) resumes, approved by \(decision.by)", step: id, actor: decision.by)
            return true
        }
        run.steps[index].state = .denied
        stop(.denied, at: index + 1, because: "step \(id) denied by \(decision.by)" + (decision.reason.map { ": \($0)" } ?? ""))
        post("denied", "stopped, step \(id) denied by \(decision.by)", step: id, actor: decision.by)
        return false
    }

    /// Starts ``watchForCancel(store:run:cancellation:requester:interval:)`` in a task of its own.
    private static func startCancelWatch(
        store: IncidentStore, run: RunID, cancellation: StepCancellation, requester: CancelRequester, interval: Duration
    ) -> Task<Void, Never> {
        Task {
            await watchForCancel(store: store, run: run, cancellation: cancellation, requester: requester, interval: interval)
        }
    }

    /// Polls the audit branch for a cancel request while the run goes on, and kills the current step on one.
    private static func watchForCancel(
        store: IncidentStore, run: RunID, cancellation: StepCancellation, requester: CancelRequester, interval: Duration
    ) async {
        while !Task.isCancelled {
            if let request = try? read(Decision.self, at: RunFiles.cancel(of: run), in: store) {
                requester.record(request.by + (request.reason.map { ": \($0)" } ?? ""))
                cancellation.cancel()
                return
            }
            try? await Task.sleep(for: interval)
        }
    }

    private func cancelRequest() throws -> Decision? {
        try Self.read(Decision.self, at: RunFiles.cancel(of: run.id), in: store)
    }

    private func canceledReason() -> String {
        if canceledBy.interrupting { return "interrupted: the server shut down before the run ended; its steps are not re-run" }
        return canceledBy.name.map { "canceled by \($0)" } ?? "canceled"
    }

    /// How a canceled run ends: `interrupted` when a shutting-down server stopped it, else `canceled`.
    private var canceledState: RunState {
        canceledBy.interrupting ? .interrupted : .canceled
    }

    private func read<Value: Decodable>(_ type: Value.Type, at path: String) throws -> Value? {
        try Self.read(type, at: path, in: store)
    }

    /// A JSON file at the audit branch's head, if it is there.
    private static func read<Value: Decodable>(_ type: Value.Type, at path: String, in store: IncidentStore) throws -> Value? {
        guard let head = try store.auditLog.head() else { return nil }
        do {
            return try RunFiles.decoder.decode(type, from: store.auditLog.repository.readFile(path, at: head))
        } catch WikiError.fileNotFound {
            return nil
        }
    }

    private func sleepUnlessCanceled(for duration: Duration) async throws {
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end, !cancellation.isCanceled {
            try? await Task.sleep(for: min(settings.pollInterval, end - .now))
        }
    }

    // MARK: - Audit

    /// Queues an audit event carrying the run record and `files` (the log of the attempt that just ended).
    ///
    /// The records are encoded by the journal's writer, not here: the run goes on to its next step
    /// while another core turns this snapshot of it into files.
    private func post(_ event: String, _ subject: String, step: String? = nil, files extra: [FileChange] = [], actor: String? = nil) {
        let snapshot = run, actor = actor ?? self.actor
        journal.post { Self.event(event, subject, step: step, files: extra, actor: actor, run: snapshot) }
    }

    /// The audit event `post` queues, for `run` as it was then.
    private static func event(
        _ event: String, _ subject: String, step: String?, files extra: [FileChange], actor: String, run: Run
    ) -> RunJournal.Event {
        let index = step.flatMap { id in run.steps.firstIndex { $0.id == id } }
        // A step's own events write only its record: rewriting the whole run (every step) for each
        // of them made a run's audit cost grow with the square of its steps. Run-level events
        // (queued, started, approvals, end) write the run record too.
        let stepOnly = event == "step-started" || event == "step-ended"
        let files: [FileChange]
        do {
            let stepFile = try index.map { try RunFiles.write(run.steps[$0], to: RunFiles.stepRecord(of: run.id, index: $0, step: step!)) }
            let runFile = stepOnly ? nil : try RunFiles.write(run, to: RunFiles.record(of: run.id))
            files = [runFile, stepFile].compactMap { $0 } + extra
        } catch {
            // Runs and steps always encode (strings, numbers, dates); nothing to recover from here.
            preconditionFailure("a run record failed to encode: \(error)")
        }
        var trailers = Self.trailers(of: run)
        if let step {
            trailers.append(Trailer("Step", step))
            if let index {
                let record = run.steps[index]
                if event == "step-ended" {
                    trailers.append(Trailer("Attempt", String(record.attempts)))
                    if let code = record.exitCode { trailers.append(Trailer("Exit-Code", String(code))) }
                    if let signal = record.signal { trailers.append(Trailer("Signal", String(signal))) }
                    if let seconds = record.durationSeconds { trailers.append(Trailer("Duration", String(format: "%.3f", seconds))) }
                }
            }
        }
        return RunJournal.Event(name: event, subject: "run \(run.id): " + subject, files: files, trailers: trailers, actor: actor)
    }

    /// The trailers every event of a run carries.
    static func trailers(of run: Run) -> [Trailer] {
        [Trailer("Run", run.id.description), Trailer("Runbook", run.runbookPath), Trailer("Runbook-Commit", run.runbookCommit.hex),
         Trailer("Run-State", run.state.rawValue)]
    }

    /// "failed with exit status 1 after 3 attempts", "timed out", ...
    static func describe(_ step: StepRecord) -> String {
        let attempts = step.attempts > 1 ? " after \(step.attempts) attempts" : ""
        switch step.state {
        case .succeeded: return "succeeded" + attempts
        case .failed:
            if let code = step.exitCode { return "failed with exit status \(code)" + attempts }
            if let signal = step.signal { return "was killed by signal \(signal)" + attempts }
            return "could not start"
        case .timedOut: return "timed out" + attempts
        default: return step.state.rawValue
        }
    }

    /// Who canceled the run (and why, when they said), shared with the task that watches for cancel requests.
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
