import Executor
import Foundation
import ITIL
import Logging
import Runbooks
import ServiceLifecycle
import Synchronization
import Wiki

/// Runs each runbook that has a `schedule:` as a job at its instants, from the wiki's deployed commit: a schedule is
/// deployed by the commit that adds it, changed or removed by the next one.
///
/// Sleeps until the earliest instant due, or until the wiki is deployed again; no polling. Every instant is claimed on
/// the audit branch by its job before the run starts (``RunLauncher/claim(_:schedule:at:for:inventory:)``), and a
/// schedule only ever runs for an instant later than the last one claimed, so no instant runs twice, across restarts
/// and servers sharing the repository. Instants that passed while no server ran (found at start-up, or when the
/// server was suspended) are run once (the latest of them) or skipped, as the schedule's `missed` says. A schedule
/// that never ran starts from the moment this server first saw it: adding one does not run its past.
final class ScheduledRuns: Service, Sendable {
    private let launcher: RunLauncher
    private let scheduler: RunScheduler
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let deployed = Signal()
    private let state = Mutex(State())

    /// How late an instant may be found and still count as on time rather than missed.
    static let lateness: TimeInterval = 60

    private struct State {
        var library: RunbookLibrary?
        /// When this server first saw each schedule that has never run.
        var firstSeen: [String: Date] = [:]
        /// Up to when each schedule's missed instants were skipped (nothing is written for a skip).
        var skippedThrough: [String: Date] = [:]
    }

    init(launcher: RunLauncher, scheduler: RunScheduler, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.launcher = launcher
        self.scheduler = scheduler
        self.logger = logger
        self.clock = clock
    }

    /// Takes the runbooks of a newly deployed wiki commit.
    func deploy(_ library: RunbookLibrary) {
        state.withLock { $0.library = library }
        deployed.fire()
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let seen = self.deployed.generation
                let wake = await self.startDue()
                await self.deployed.wait(after: seen, timeout: wake.map { .milliseconds(max(0, Int64($0.timeIntervalSince(self.clock()) * 1000))) })
            }
        }
    }

    /// Starts every schedule's due instant; returns when the next one is due (nil: no schedule).
    private func startDue() async -> Date? {
        guard let library = state.withLock({ $0.library }) else { return nil }
        var earliest: Date?
        for runbook in library.runbooks {
            guard let schedule = runbook.schedule else { continue }
            var next: Date?
            // A start moves the schedule's base on (the claim); look again until nothing is due.
            for _ in 0..<3 {
                next = await startIfDue(runbook, schedule, library: library)
                if let due = next, due > clock() { break }
            }
            if let next { earliest = min(earliest ?? next, next) }
        }
        return earliest
    }

    /// Starts `runbook`'s due instant, if one is; returns its next instant.
    private func startIfDue(_ runbook: Runbook, _ schedule: RunbookSchedule, library: RunbookLibrary) async -> Date? {
        let now = clock()
        let claimed = launcher.store.lastScheduled(runbook.id)
        let base = state.withLock { state -> Date in
            if claimed == nil, state.firstSeen[runbook.id] == nil { state.firstSeen[runbook.id] = now }
            return [claimed ?? state.firstSeen[runbook.id], state.skippedThrough[runbook.id]].compactMap { $0 }.max() ?? now
        }
        guard let due = schedule.cron.next(after: base) else { return nil }
        guard due <= now else { return due }
        let missed = schedule.cron.instants(after: base, through: now, limit: 2)
        var started = true
        if missed.count == 1, now.timeIntervalSince(due) <= Self.lateness {
            started = await start(runbook, schedule, for: due, library: library)
        } else if schedule.missed == .runOnce, let latest = Self.latest(of: schedule.cron, after: base, through: now) {
            logger.notice("running a schedule once for the instants it missed", metadata: [
                "runbook": "\(runbook.id)", "since": "\(Timestamp.format(base))", "instant": "\(Timestamp.format(latest))",
            ])
            started = await start(runbook, schedule, for: latest, library: library)
        } else {
            logger.notice("skipping the instants a schedule missed", metadata: ["runbook": "\(runbook.id)", "since": "\(Timestamp.format(base))"])
            state.withLock { $0.skippedThrough[runbook.id] = now }
        }
        // An instant that could not be claimed (the disk, the repository) is tried again soon, not at the next one.
        guard started else { return now.addingTimeInterval(Self.retryDelay) }
        return schedule.cron.next(after: max(now, launcher.store.lastScheduled(runbook.id) ?? now))
    }

    /// How soon an instant that could not be claimed is tried again.
    static let retryDelay: TimeInterval = 10

    /// Claims `instant` and starts its run; a run that does not succeed, or cannot start, opens an incident. False when
    /// nothing could be claimed.
    private func start(_ runbook: Runbook, _ schedule: RunbookSchedule, for instant: Date, library: RunbookLibrary) async -> Bool {
        let (launcher, logger) = (launcher, logger)
        let claim: RunLauncher.ScheduledStart?
        do {
            claim = try await launcher.claim(runbook, schedule: schedule, at: library.commit, for: instant, inventory: library.inventory)
        } catch {
            logger.error("cannot claim a scheduled instant", metadata: ["runbook": "\(runbook.id)", "error": "\(error)"])
            return false
        }
        do {
            switch claim {
            case nil:
                logger.info("a scheduled instant was claimed already", metadata: ["runbook": "\(runbook.id)", "instant": "\(Timestamp.format(instant))"])
            case .refused(let run):
                try await report(run, runbook: runbook)
            case .reserved(let reserved):
                logger.info("scheduled run starting", metadata: ["run": "\(reserved.id)", "instant": "\(Timestamp.format(instant))"])
                await scheduler.start(reserved) { run in await self.reportIfFailed(run, runbook: runbook) }
            }
        } catch {
            logger.error("cannot open the incident for a refused scheduled run", metadata: ["runbook": "\(runbook.id)", "error": "\(error)"])
        }
        return true
    }

    /// Opens the incident for scheduled `run` when it ended without success (a run left waiting is not over).
    func reportIfFailed(_ run: Run, runbook: Runbook) async {
        guard run.state.isFinal, run.state != .succeeded else { return }
        do { try await report(run, runbook: runbook) } catch {
            logger.error("cannot open the incident for a failed scheduled run", metadata: ["run": "\(run.id)", "error": "\(error)"])
        }
    }

    /// Whether `run` is a scheduled job's (its job record names an instant), as the audit branch says at `head`.
    static func isScheduled(_ run: Run, at head: ObjectID?, in repository: Repository) -> Bool {
        guard run.id.incident.isJob, let head,
              let data = try? repository.readFile(JobRecord.path(for: run.id.incident), at: head),
              let job = try? IncidentRecordFile.makeJSONDecoder().decode(JobRecord.self, from: data) else { return false }
        return job.scheduledFor != nil
    }

    private func report(_ run: Run, runbook: Runbook) async throws {
        let incident = try await launcher.reportFailure(of: run, runbook: runbook)
        logger.notice("a scheduled run failed", metadata: ["run": "\(run.id)", "state": "\(run.state.rawValue)", "incident": "\(incident.number)"])
    }

    /// The latest instant of `cron` in (`start`, `end`], looking back in widening windows rather than walking every
    /// instant since `start` (a minutely schedule down for a month has 43,200).
    static func latest(of cron: CronSchedule, after start: Date, through end: Date) -> Date? {
        for window: TimeInterval in [3_600, 86_400, 32 * 86_400, 367 * 86_400] {
            let from = max(start, end.addingTimeInterval(-window))
            if let last = cron.instants(after: from, through: end, limit: 600_000).last { return last }
            if from == start { return nil }
        }
        return cron.instants(after: start, through: end, limit: .max).last
    }
}
