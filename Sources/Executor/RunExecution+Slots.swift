import Foundation
import ITIL

/// Workers and the runbook's concurrency slots: `flock` slot files shared by every process on the wiki.
extension RunExecution {
    /// How long a run waiting for a slot sleeps at most: a slot freed in this process wakes it at once,
    /// one freed by another process (which cannot tell it) within this.
    static let otherProcessesSlotCheck: Duration = .seconds(1)

    /// Takes the runbook's concurrency slot (kept for the whole run) and, with `worker`, a worker slot,
    /// waiting in the queue until they are free. A server shutting down suspends a run that waits here.
    func waitForSlots(worker needsWorker: Bool) async throws {
        let limit = plan.runbook.concurrency
        while true {
            let seen = (FileLock.released.generation, watch.signal.generation)
            if ownSlot == nil, let limit {
                let prefix = settings.concurrencySlots(runbook: plan.runbook.path, parameters: plan.parameters)
                ownSlot = try FileLock.acquireSlot(prefix, count: limit)
            }
            if ownSlot != nil || limit == nil {
                if !needsWorker { return }
                if let slot = try FileLock.acquireSlot(settings.workerSlots, count: settings.workers) {
                    worker = slot
                    return
                }
            }
            if cancellation.isCanceled {
                if canceledBy.interrupting { throw RunSuspended() }
                return
            }
            await Signal.waitForEither(FileLock.released, after: seen.0, or: watch.signal, after: seen.1,
                                       timeout: Self.otherProcessesSlotCheck)
        }
    }

    /// Takes a worker again after a person decided; a run that has to wait for one is queued meanwhile.
    func retakeWorker() async throws {
        if let slot = try FileLock.acquireSlot(settings.workerSlots, count: settings.workers) {
            worker = slot
            return
        }
        run.state = .queued
        post(.runQueued, "waits for a worker to run the approved step")
        try await waitForSlots(worker: true)
        guard !cancellation.isCanceled else { return }
        run.state = .running
        post(.runStarted, "a worker is free: the run goes on")
    }

    /// Lets go of the worker only: a run waiting for a person keeps its runbook's concurrency slot.
    func releaseWorker() {
        worker = nil
    }

    func releaseSlots() {
        worker = nil
        ownSlot = nil
    }
}

extension Signal {
    /// Returns once `first` fired after `firstSeen` or `second` after `secondSeen`, the task is canceled,
    /// or `timeout` passed.
    static func waitForEither(_ first: Signal, after firstSeen: UInt64, or second: Signal, after secondSeen: UInt64,
                              timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await first.wait(after: firstSeen) }
            group.addTask { await second.wait(after: secondSeen) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }
}
