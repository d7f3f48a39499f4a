import Executor
import ITIL
import Logging
import Runbooks
import ServiceLifecycle
import Synchronization
import Wiki

/// Runs the runbooks the intake admitted, each in a task of its own, after the sender has had its
/// answer, and the runs a previous process left waiting; on shutdown, lets runs that only wait go at
/// once (the next server resumes them), gives running steps a grace period, and interrupts what is left.
public actor RunScheduler: Service {
    nonisolated let launcher: RunLauncher
    private let grace: Duration
    private let logger: Logger
    private let metrics: ServerMetrics
    /// Live progress of the runs started here.
    nonisolated let feed: RunFeed
    private var tasks: [Int: Task<Void, Never>] = [:]
    /// The tasks whose run waits (for a worker or a person) rather than runs a step, as their progress says.
    private nonisolated let waiting = Mutex<Set<Int>>([])
    /// Fires when a run's task ends, or its run starts to wait (which shutdown lets go at once).
    private let settled = Signal()
    private var nextID = 0
    private var accepting = true

    init(launcher: RunLauncher, grace: Duration, logger: Logger, metrics: ServerMetrics, feed: RunFeed) {
        self.feed = feed
        self.launcher = launcher
        self.grace = grace
        self.logger = logger
        self.metrics = metrics
    }

    /// How many runs this server is executing or has queued.
    public var active: Int { tasks.count }

    /// Starts running `runbook` for `incident` in the background; returns at once. Refused (logged)
    /// once shutdown began: the incident stays as it is, with its alert recorded.
    func start(_ runbook: Runbook, at commit: ObjectID, for incident: Incident, alert: AlertTrigger, actor: String, inventory: Inventory) {
        launch("incident \(incident.number)") { [launcher] progress in
            try await launcher.run(runbook, at: commit, for: incident.number, labels: alert.labels, annotations: alert.annotations,
                                   actor: actor, inventory: inventory, progress: progress)
        }
    }

    /// Starts a run reserved on its incident or job (a person asked for it, or a schedule) in the background;
    /// `afterwards` gets the run once it ended.
    func start(_ reserved: RunLauncher.ReservedRun, afterwards: @escaping @Sendable (Run) async -> Void = { _ in }) {
        launch("run \(reserved.id)") { [launcher] progress in
            let run = try await launcher.runReserved(reserved, progress: progress)
            await afterwards(run)
            return run
        }
    }

    /// Takes over `run`, which a stopped process left waiting, with the runbook it is pinned to; `afterwards` gets the
    /// run once it ended.
    func resume(_ run: Run, runbook: Runbook, inventory: Inventory, afterwards: @escaping @Sendable (Run) async -> Void = { _ in }) {
        logger.notice("resuming a run its process left waiting", metadata: ["run": "\(run.id)", "state": "\(run.state.rawValue)"])
        launch("run \(run.id)") { [launcher] progress in
            let ended = try await launcher.resume(run, runbook: runbook, inventory: inventory, progress: progress)
            await afterwards(ended)
            return ended
        }
    }

    private func launch(_ what: String, _ body: @escaping @Sendable (@escaping @Sendable (RunProgress) -> Void) async throws -> Run) {
        guard accepting else {
            logger.warning("not starting a run: the server is shutting down", metadata: ["for": "\(what)"])
            return
        }
        let id = nextID
        nextID += 1
        let (logger, metrics, feed, outputs) = (logger, metrics, feed, launcher.store.feed)
        waiting.withLock { _ = $0.insert(id) }
        tasks[id] = Task {
            let runID = Mutex<RunID?>(nil)
            let steps = Mutex<[Int: String]>([:])
            let started = ContinuousClock.now
            do {
                let run = try await body { event in
                    self.note(event, of: id)
                    switch event {
                    case .queued(let run): runID.withLock { $0 = run.id }
                    case .stepStarted(let index, let step, _): steps.withLock { $0[index] = step.id }
                    case .stepEnded(_, let step, _): metrics.recordStep(step)
                    default: break
                    }
                    guard let run = runID.withLock({ $0 }) else { return }
                    feed.publish(event, of: run)
                    if case .output(let index, let line) = event, let step = steps.withLock({ $0[index] }) {
                        outputs.publish { StepOutput(position: $0, run: run, index: index, step: step, line: line) }
                    }
                }
                if run.state.isFinal {
                    metrics.recordRun(run, duration: ContinuousClock.now - started)
                    logger.info("run ended", metadata: ["run": "\(run.id)", "state": "\(run.state.rawValue)"])
                } else {
                    logger.notice("run left waiting for the next server", metadata: ["run": "\(run.id)", "state": "\(run.state.rawValue)"])
                }
            } catch {
                logger.error("run failed to execute", metadata: ["for": "\(what)", "error": "\(error)"])
            }
            self.finished(id)
        }
    }

    /// Notes whether task `id`'s run now waits (queued, awaiting approval) or runs a step.
    private nonisolated func note(_ event: RunProgress, of id: Int) {
        switch event {
        case .queued, .awaitingApproval:
            waiting.withLock { _ = $0.insert(id) }
            settled.fire()
        case .started, .stepStarted: waiting.withLock { _ = $0.remove(id) }
        default: break
        }
    }

    private func finished(_ id: Int) {
        tasks[id] = nil
        waiting.withLock { _ = $0.remove(id) }
        settled.fire()
    }

    /// Waits for graceful shutdown, then lets runs go on for the grace period and interrupts the rest.
    public func run() async throws {
        try? await gracefulShutdown()
        await drain()
    }

    /// Stops starting runs; lets runs that only wait go at once (they stay as they are on the audit branch,
    /// and the next server resumes them); waits up to the grace period for running steps, then cancels what
    /// is still running: those runs end `interrupted`, their step's processes killed, and are never re-run.
    public func drain() async {
        accepting = false
        let waitingNow = waiting.withLock { $0 }
        logger.notice("shutting down: no new runs", metadata: ["running": "\(tasks.count - waitingNow.count)", "waiting": "\(waitingNow.count)",
                                                              "grace": "\(grace)"])
        var letGo: Set<Int> = []
        let deadline = ContinuousClock.now + grace
        while !tasks.isEmpty, ContinuousClock.now < deadline {
            let seen = settled.generation
            // Also a run that starts to wait during the grace period: its approval request may be committed (and seen by
            // whoever stopped the server) a moment before its task says it waits.
            let parked = waiting.withLock { $0 }.subtracting(letGo).compactMap { id in tasks[id].map { (id, $0) } }
            for (id, task) in parked {
                task.cancel()
                letGo.insert(id)
            }
            for (_, task) in parked { await task.value }
            guard !tasks.isEmpty, parked.isEmpty else { continue }
            await settled.wait(after: seen, timeout: deadline - .now)
        }
        guard !tasks.isEmpty else { return }
        logger.warning("interrupting runs still going after the grace period", metadata: ["runs": "\(tasks.count)"])
        let remaining = Array(tasks.values)
        for task in remaining { task.cancel() }
        for task in remaining { await task.value }
    }
}
