import Executor
import Foundation
import Hummingbird
import ITIL
import Logging
import NIOCore
import Runbooks
import ServiceLifecycle
import Synchronization
import Wiki

/// `runbook serve`: the HTTP application with its services (wiki reloads, SLA sweeps, runs), on
/// one wiki and its audit branch.
public struct RunbookServer: Sendable {
    public let settings: ServerSettings
    public let store: IncidentStore
    public let wiki: WikiWatcher
    public let scheduler: RunScheduler
    public let metrics: ServerMetrics
    public let tokens: TokenFile
    public let registry: RunRegistry
    /// The series watched by the anomaly detector.
    public let telemetry: TelemetryPipeline
    let intake: AlertIntake
    let logger: Logger

    /// Everything the server needs, ready to serve. Runs left unfinished by a previous process
    /// are marked interrupted by the caller (``markInterruptedRuns()``), not here.
    public init(
        wiki repository: Repository, store: IncidentStore, executorSettings: ExecutorSettings, tokens: TokenFile,
        settings: ServerSettings, logger: Logger
    ) throws {
        self.settings = settings
        self.store = store
        self.tokens = tokens
        self.logger = logger
        let metrics = ServerMetrics()
        self.metrics = metrics
        var executorSettings = executorSettings
        executorSettings.interruptOnTaskCancel = true
        let executor = Executor(store: store, settings: executorSettings)
        registry = RunRegistry(store: store, settings: executorSettings)
        let telemetry = TelemetryPipeline(maximumSeries: settings.maximumSeries, shards: settings.telemetryShards)
        self.telemetry = telemetry
        wiki = try WikiWatcher(repository: repository, interval: settings.wikiPollInterval, logger: logger) { library in
            // The detector policy is wiki config like the SLA targets: a commit changes it.
            do {
                let text = try repository.readFile(DetectorPolicy.configPath, at: library.commit)
                telemetry.update(try DetectorPolicy(yaml: String(decoding: text, as: UTF8.self)))
            } catch WikiError.fileNotFound {
                telemetry.update(DetectorPolicy())
            } catch {
                logger.error("keeping the previous detector settings", metadata: ["error": "\(error)"])
            }
        }
        scheduler = RunScheduler(executor: executor, grace: settings.shutdownGrace, logger: logger, metrics: metrics, feed: RunFeed())
        intake = AlertIntake(executor: executor, registry: registry, wiki: wiki, scheduler: scheduler, metrics: metrics)
    }

    /// Marks runs whose process is gone as interrupted, with a work note; done once at start-up.
    public func markInterruptedRuns() async throws -> [Run] {
        try await registry.markInterrupted()
    }

    /// The router with every endpoint.
    public func router() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        let table = Mutex<RouteTable?>(nil)
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware(routes: { table.withLock { $0 } }))
        let routes = RouteRecorder(router: router)
        let authorization = Authorization(tokens: tokens)
        IntakeRoutes(intake: intake, authorization: authorization, settings: settings,
                     pagerDutyLimiter: RateLimiter(perMinute: settings.pagerDutyEventsPerMinute)).register(on: routes)
        IncidentRoutes(store: store, authorization: authorization, settings: settings).register(on: routes)
        RunRoutes(registry: registry, feed: scheduler.feed, authorization: authorization, settings: settings).register(on: routes)
        RunbookRoutes(wiki: wiki, authorization: authorization).register(on: routes)
        TelemetryRoutes(pipeline: telemetry, intake: intake, authorization: authorization, settings: settings, metrics: metrics)
            .register(on: routes)
        OperationsRoutes(metrics: metrics, store: store, wiki: wiki, extraGauges: { [scheduler, metrics, telemetry] in
            metrics.set("runbook_runs_active", Double(await scheduler.active))
            let (series, counters) = telemetry.status
            metrics.set("runbook_telemetry_series", Double(series))
            metrics.set("runbook_telemetry_series_evicted", Double(counters.evictions))
            metrics.set("runbook_telemetry_samples_out_of_order", Double(counters.outOfOrder))
            metrics.set("runbook_telemetry_samples_duplicate", Double(counters.duplicates))
        }).register(on: routes)
        let built = routes.table
        table.withLock { $0 = built }
        return router
    }

    /// The application: the HTTP server plus the wiki watcher, the SLA sweeper and the run
    /// scheduler, shut down gracefully on SIGTERM or SIGINT (the scheduler last, after the server
    /// stopped accepting, so running steps get their grace period).
    public func application(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router(),
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(settings.idleTimeout.components.seconds) * 1_000_000_000))),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "runbook"),
            services: [scheduler, wiki, SLASweeper(store: store, interval: settings.sweepInterval, logger: logger)],
            onServerRunning: onServerRunning,
            logger: logger)
    }
}
