import Foundation
import Synchronization

/// Threads for work that blocks (a step's supervisor waits in poll() for as long as the step
/// runs), kept for reuse: making a thread per step cost about a tenth of a short step's overhead.
///
/// Not Dispatch: on Linux the Swift concurrency pool runs on Dispatch's worker threads, and
/// blocking those would starve every task. Each job gets a thread of its own at once, an idle one
/// if there is one, so a long step never holds up another. Idle threads exit after a minute.
final class SupervisorThreads: Sendable {
    /// One thread's mailbox: the job it is handed and the semaphore that wakes it.
    private final class Worker: @unchecked Sendable {
        let wake = DispatchSemaphore(value: 0)
        // Written by the poster before `wake.signal()`, read by the worker after `wake.wait()`.
        var job: (@Sendable () -> Void)?
    }

    private let idle = Mutex<[Worker]>([])
    private static let idleLifetime: DispatchTimeInterval = .seconds(60)

    static let shared = SupervisorThreads()

    /// Runs `job` on a thread of its own.
    func run(_ job: @escaping @Sendable () -> Void) {
        if let worker = idle.withLock({ $0.popLast() }) {
            worker.job = job
            worker.wake.signal()
            return
        }
        let worker = Worker()
        worker.job = job
        let thread = Thread { [self] in loop(worker) }
        thread.name = "runbook-step-supervisor"
        thread.start()
    }

    private func loop(_ worker: Worker) {
        while true {
            worker.job?()
            worker.job = nil
            idle.withLock { $0.append(worker) }
            while worker.wake.wait(timeout: .now() + Self.idleLifetime) == .timedOut {
                // Leave only if no poster took this worker meanwhile; one that did is about to signal.
                let left = idle.withLock { workers in
                    guard let index = workers.firstIndex(where: { $0 === worker }) else { return false }
                    workers.remove(at: index)
                    return true
                }
                if left { return }
            }
        }
    }
}
