import Executor
import ITIL
import Logging
import Runbooks
import ServiceLifecycle
import Synchronization
import Wiki

/// Runs the runbooks the intake admitted, each in a task of its own, after the sender has had its
/// answer; and, on shutdown, gives running steps a grace period before interrupting what is left.
public actor RunScheduler: Service {
    private let executor: Executor
    private let grace: Duration
    private let logger: Logger
    private let metrics: ServerMetrics
    /// Live progress of the runs started here.
    nonisolated let feed: RunFeed
    private var tasks: [Int: Task<Void, Never>] = [:]
    private var nextID = 0
    private var accepting = true

    init(executor: Executor, grace: Duration, logger: Logger, metrics: ServerMetrics, feed: RunFeed) {
        self.feed = feed
        self.executor = executor
        self.grace = grace
        self.logger = logger
        self.metrics = metrics
    }

    /// How many runs this server is executing or has queued.
    public var active: Int { tasks.count }

    /// Starts running `runbook` for `incident` in the background; returns at once. Refused (logged)
    /// once shutdown began: the incident stays as it is, with its alert recorded.
    func start(_ runbook: Runbook, at commit: ObjectID, for incident: Incident, alert: AlertTrigger, actor: String) {
        guard accepting else {
            logger.warning("not starting a run: the server is shutting down", metadata: ["incident": "\(incident.number)"])
            return
        }
        let id = nextID
        nextID += 1
        let executor = executor, logger = logger, metrics = metrics, feed = feed
        tasks[id] = Task {
            let runID = Mutex<RunID?>(nil)
            let started = ContinuousClock.now
            do {
                let run = try await executor.run(
                    runbook, at: commit, for: incident.number, labels: alert.labels, annotations: alert.annotations, actor: actor,
                    progress: { event in
                        if case .queued(let run) = event { runID.withLock { $0 = run.id } }
                        if case .stepEnded(_, let step, _) = event { metrics.recordStep(step) }
                        if let id = runID.withLock({ $0 }) { feed.publish(event, of: id) }
                    })
                metrics.recordRun(run, duration: ContinuousClock.now - started)
                logger.info("run ended", metadata: ["run": "\(run.id)", "state": "\(run.state.rawValue)"])
            } catch {
                logger.error("run failed to execute", metadata: ["incident": "\(incident.number)", "error": "\(error)"])
            }
            self.finished(id)
        }
    }

    private func finished(_ id: Int) {
        tasks[id] = nil
    }

    /// Waits for graceful shutdown, then lets runs go on for the grace period and interrupts the rest.
    public func run() async throws {
        try? await gracefulShutdown()
        await drain()
    }

    /// Stops starting runs, waits up to the grace period, then cancels what is still running: those
    /// runs end `interrupted`, their step's processes killed, and are never re-run.
    public func drain() async {
        accepting = false
        logger.notice("shutting down: no new runs", metadata: ["running": "\(tasks.count)", "grace": "\(grace)"])
        let deadline = ContinuousClock.now + grace
        while !tasks.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        guard !tasks.isEmpty else { return }
        logger.warning("interrupting runs still going after the grace period", metadata: ["runs": "\(tasks.count)"])
        let remaining = Array(tasks.values)
        for task in remaining { task.cancel() }
        for task in remaining { await task.value }
    }
}
