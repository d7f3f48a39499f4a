import Escalation
import Executor
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import ITIL
import Logging
import NIOCore
import Notify
import OnCall
import RunbookAPI
import Runbooks
import ServiceLifecycle
import Synchronization
import Wiki

/// `runbook serve`: the HTTP application with its services (wiki deployments, the audit branch's other
/// writers, SLA deadlines, runs), on one wiki and its audit branch.
public struct RunbookApplication: Sendable {
    public let settings: ServerSettings
    public let store: IncidentStore
    public let wiki: WikiWatcher
    public let scheduler: RunScheduler
    /// Runs the runbooks that have a `schedule:`.
    let schedules: ScheduledRuns
    /// Copies the audit branch to the audit remotes; nil when there are none.
    let replication: AuditReplication?
    /// Saves and restores what the anomaly detectors learned, in the data directory (none without one).
    let snapshots: DetectorSnapshots?
    public let metrics: ServerMetrics
    public let tokens: TokenFile
    /// The dashboard's logins, in a file beside the token file.
    let sessions: SessionBook
    /// Each incident's audit commits, for the dashboard's timeline.
    let timelines: IncidentTimelines
    /// Runs, read from memory (``RunIndex``).
    public let registry: RunRegistry
    /// The series watched by the anomaly detector.
    public let telemetry: TelemetryPipeline
    let intake: AlertIntake
    let logger: Logger
    /// Paging: the wiki's on-call files as deployed, the engine and what delivers its notifications; nil when the
    /// server was started without an on-call setup (tests of other parts).
    public let onCall: OnCallRuntime?

    /// The parts of paging the application runs.
    public struct OnCallRuntime: Sendable {
        public let deployment: OnCallDeployment
        public let engine: EscalationEngine
        let notifier: Notifier
        /// Makes the links of notifications (and holds the key that signs them).
        public let links: LinkMaker
        let setup: OnCallSetup
    }

    /// Everything the server needs, ready to serve. Runs left unfinished by a previous process are
    /// resumed or marked interrupted by the caller (``takeOverRuns()``), not here. `clock` is the time schedules
    /// are read against.
    public init(
        wiki repository: Repository, store: IncidentStore, executorSettings: ExecutorSettings, tokens: TokenFile,
        settings: ServerSettings, onCall setup: OnCallSetup? = nil, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.settings = settings
        self.store = store
        self.tokens = tokens
        timelines = IncidentTimelines(store: store, logger: logger)
        sessions = SessionBook(path: (tokens.path as NSString).deletingLastPathComponent + "/sessions")
        self.logger = logger
        let metrics = ServerMetrics()
        self.metrics = metrics
        var executorSettings = executorSettings
        executorSettings.interruptOnTaskCancel = true
        let launcher = RunLauncher(store: store, settings: executorSettings)
        registry = RunRegistry(store: store, settings: executorSettings, index: try RunIndex(store: store))
        let telemetry = TelemetryPipeline(maximumSeries: settings.maximumSeries, shards: settings.telemetryShards)
        self.telemetry = telemetry
        let deployment = setup.map { OnCallDeployment(silences: $0.silences, logger: logger) }
        scheduler = RunScheduler(launcher: launcher, grace: settings.shutdownGrace, logger: logger, metrics: metrics, feed: RunFeed())
        let schedules = ScheduledRuns(launcher: launcher, scheduler: scheduler, logger: logger, clock: clock)
        self.schedules = schedules
        snapshots = executorSettings.dataDirectory.map { data in
            DetectorSnapshots(telemetry: telemetry, path: DetectorSnapshots.path(inDataDirectory: data), logger: logger)
        }
        replication = settings.auditRemotes.isEmpty ? nil : executorSettings.dataDirectory.map { data in
            AuditReplication(remotes: settings.auditRemotes, store: store, wiki: repository, dataDirectory: data,
                             backoff: .init(first: settings.auditRemoteBackoff, longest: settings.auditRemoteLongestBackoff), logger: logger)
        }
        wiki = try WikiWatcher(repository: repository, logger: logger) { library in
            deployment?.deploy(library, from: repository)
            schedules.deploy(library)
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
        intake = AlertIntake(launcher: launcher, registry: registry, wiki: wiki, scheduler: scheduler, metrics: metrics,
                             silences: setup?.silences)
        if let setup, let deployment {
            onCall = Self.paging(setup: setup, deployment: deployment, store: store, metrics: metrics, logger: logger)
        } else {
            onCall = nil
        }
    }

    /// The escalation engine on the deployed on-call files, delivering through the notifier.
    private static func paging(setup: OnCallSetup, deployment: OnCallDeployment, store: IncidentStore, metrics: ServerMetrics,
                               logger: Logger) -> OnCallRuntime {
        let notifier = Notifier(retryPolicy: setup.retry, logger: logger)
        let links = LinkMaker(baseURL: setup.publicURL, key: setup.secrets.linkKey)
        let courier = NotifyCourier(config: { deployment.config }, secrets: setup.secrets, notifier: notifier, links: links,
                                    speech: setup.speech) { channel, delivered in metrics.recordNotification(channel: channel, delivered: delivered) }
        let engine = EscalationEngine(store: store, roster: deployment.roster, courier: courier, logger: logger)
        deployment.onDeploy { roster in Task { await engine.setRoster(roster) } }
        return OnCallRuntime(deployment: deployment, engine: engine, notifier: notifier, links: links, setup: setup)
    }

    /// Takes over the runs a previous process left unfinished: those that only waited (for a worker or a
    /// person) go on here; those that were running a step are marked interrupted, with a work note.
    public func takeOverRuns() async throws -> (resumed: [Run], interrupted: [Run]) {
        let interrupted = try await registry.markInterrupted()
        var resumed: [Run] = []
        for run in try await registry.resumable() {
            do {
                let page = try wiki.repository.readFile(run.runbookPath, at: run.runbookCommit)
                guard let runbook = RunbookParser.parse(page, path: run.runbookPath).runbook else {
                    throw ExecutorError.runbookGone(run.id, path: run.runbookPath, problem: "it has errors at \(run.runbookCommit.short)")
                }
                let inventory = try Inventory.load(from: wiki.repository, at: run.runbookCommit).inventory
                // A scheduled run that fails after a restart still opens its incident.
                let scheduled = ScheduledRuns.isScheduled(run, at: store.feed.tip, in: store.reader)
                await scheduler.resume(run, runbook: runbook, inventory: inventory) { [schedules] ended in
                    if scheduled { await schedules.reportIfFailed(ended, runbook: runbook) }
                }
                resumed.append(run)
            } catch {
                logger.error("cannot resume a run; it stays as it is", metadata: ["run": "\(run.id)", "error": "\(error)"])
            }
        }
        return (resumed, interrupted)
    }

    /// The router with every endpoint.
    public func router() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        let table = Mutex<RouteTable?>(nil)
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware(routes: { table.withLock { $0 } }))
        router.add(middleware: TokenAuthentication(tokens: tokens, sessions: sessions))
        let routes = RouteRecorder(router: router)
        let api = routes.group("api/v1")
        IntakeController(intake: intake, tokens: tokens, settings: settings,
                         pagerDutyLimiter: RateLimiter(perMinute: settings.pagerDutyEventsPerMinute)).register(on: routes)
        IncidentController(registry: registry, settings: settings).register(on: api)
        RunController(registry: registry, feed: scheduler.feed, settings: settings).register(on: api)
        EventController(store: store).register(on: api)
        RunbookController(wiki: wiki, launcher: scheduler.launcher, scheduler: scheduler, bodyLimit: settings.bodyLimit).register(on: api)
        if let onCall {
            OnCallController(deployment: onCall.deployment).register(on: api)
            SilenceController(silences: onCall.setup.silences, settings: settings).register(on: api)
            LinkController(store: store, key: onCall.setup.secrets.linkKey).register(on: routes)
            AnnouncementController(store: store, links: onCall.links, speech: SpeechSynthesizer(settings: onCall.setup.speech))
                .register(on: api)
        }
        DashboardController(registry: registry, wiki: wiki, onCall: onCall, timelines: timelines).register(on: routes)
        DashboardActions(registry: registry, tokens: tokens, sessions: sessions, secure: settings.tls != nil, bodyLimit: settings.bodyLimit)
            .register(on: routes)
        TelemetryController(pipeline: telemetry, intake: intake, settings: settings, metrics: metrics).register(on: routes)
        OperationsController(metrics: metrics, store: store, wiki: wiki, extraGauges: { [scheduler, metrics, telemetry, store, replication, registry] in
            metrics.set("runbook_runs_active", Double(await scheduler.active))
            let waiting = (try? await registry.page(of: nil, in: [.awaitingApproval], offset: 0, limit: .max).runs) ?? []
            metrics.set("runbook_runs_awaiting_approval", Double(waiting.count))
            let oldest = waiting.map(\.awaitingApprovalSince).min()
            metrics.set("runbook_run_approval_oldest_wait_seconds", oldest.map { max(0, Date().timeIntervalSince($0)) } ?? 0)
            metrics.set("runbook_event_subscribers", Double(store.feed.subscriberCount))
            let journal = store.journalStatus
            metrics.set("runbook_audit_journal_events", Double(journal.events))
            metrics.set("runbook_audit_journal_failed_cycles", Double(journal.failedCycles))
            let (series, counters) = telemetry.status
            metrics.set("runbook_telemetry_series", Double(series))
            metrics.set("runbook_telemetry_series_evicted", Double(counters.evictions))
            metrics.set("runbook_telemetry_samples_out_of_order", Double(counters.outOfOrder))
            metrics.set("runbook_telemetry_samples_duplicate", Double(counters.duplicates))
            for (state, lag) in replication?.status() ?? [] {
                let remote = [("remote", state.name)]
                metrics.set("runbook_audit_remote_lag_commits", Double(lag ?? -1), labels: remote)
                metrics.set("runbook_audit_remote_last_push_timestamp_seconds", state.pushedAt?.timeIntervalSince1970 ?? 0, labels: remote)
                metrics.set("runbook_audit_remote_rejected", state.rejected ? 1 : 0, labels: remote)
            }
        }, paging: { [onCall] open in
            guard let engine = onCall?.engine else { return [:] }
            return await engine.paging(of: open).mapValues { DeadlineMetrics.Paging(level: $0.level, lastPage: $0.lastPage) }
        }, incidentLimit: settings.metricsIncidentLimit).register(on: routes)
        let built = routes.table
        table.withLock { $0 = built }
        return router
    }

    /// Restores what the anomaly detectors learned before the last shutdown (the data directory's snapshot), so the
    /// first samples after a restart are judged by trained detectors; call before serving.
    public func restoreDetectors() async {
        await snapshots?.restore()
    }

    /// The application: the HTTP server plus the services (the wiki watcher, the follower of other
    /// writers' audit commits, the SLA deadlines and the run scheduler), shut down gracefully on SIGTERM or
    /// SIGINT (the scheduler last, after the server stopped accepting, so running steps get their grace period).
    public func application(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let http: HTTPServerBuilder = .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(settings.idleTimeout.components.seconds) * 1_000_000_000)))
        return Application(
            router: router(),
            server: try settings.tls.map { try .tls(http, tlsConfiguration: $0) } ?? http,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "runbook"),
            services: [scheduler, wiki, AuditFollowing(store: store, logger: logger), SLASweeper(store: store, logger: logger), timelines,
                       schedules]
                + (replication.map { [$0] } ?? [])
                + (snapshots.map { [$0] } ?? [])
                + (onCall.map { [EscalationService(engine: $0.engine, notifier: $0.notifier, logger: logger)] } ?? []),
            onServerRunning: onServerRunning,
            logger: logger)
    }
}
