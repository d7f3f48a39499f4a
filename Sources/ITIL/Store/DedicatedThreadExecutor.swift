import Foundation

/// A serial executor that runs an actor's jobs on a thread of its own.
///
/// The incident store commits and syncs to disk synchronously, inside the actor. On the shared
/// concurrency pool (one thread per core) that write would hold a pool thread for as long as the
/// disk takes, and a run's next step or an HTTP request would wait behind it. On its own thread
/// it waits alone. The thread ends after a second without work and starts again with the next job,
/// so stores that are no longer used (tests make hundreds) leave no threads behind.
final class DedicatedThreadExecutor: SerialExecutor, @unchecked Sendable {
    private let name: String
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    /// Whether a thread is running `loop`; guarded by `condition`.
    private var running = false
    private static let idleLifetime: TimeInterval = 1

    init(name: String) {
        self.name = name
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        defer { condition.unlock() }
        jobs.append(job)
        guard running else {
            running = true
            let thread = Thread { self.loop() }
            thread.name = name
            thread.start()
            return
        }
        condition.signal()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Runs jobs in order until none has come for ``idleLifetime``.
    private func loop() {
        while let batch = nextJobs() {
            for job in batch { job.runSynchronously(on: asUnownedSerialExecutor()) }
        }
    }

    /// The jobs queued so far, waiting for some; nil (and the thread marked gone) after the idle lifetime.
    private func nextJobs() -> [UnownedJob]? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty {
            if !condition.wait(until: Date(timeIntervalSinceNow: Self.idleLifetime)), jobs.isEmpty {
                running = false
                return nil
            }
        }
        defer { jobs.removeAll(keepingCapacity: true) }
        return jobs
    }
}
