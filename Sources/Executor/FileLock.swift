import Foundation
import ITIL

/// An exclusive `flock` on a file, held until the value is released. The kernel drops it when the
/// holding process dies, even by SIGKILL, which is what makes it a liveness signal: a run whose
/// owner lock can be taken has no live owner.
final class FileLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        // Closing the descriptor releases the lock.
        close(descriptor)
        Self.released.fire()
    }

    /// Fires whenever this process lets go of a lock: a run waiting for a slot tries again at once.
    /// (Other processes' releases cannot be heard; waiting runs look again every second for those.)
    static let released = Signal()

    /// Takes the lock on `path` if nobody holds it; nil if someone does.
    static func tryAcquire(_ path: String) throws -> FileLock? {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ExecutorError.lockFailed(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return FileLock(descriptor: descriptor)
    }

    /// Whether someone holds the lock on `path` right now.
    static func isHeld(_ path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        return (try? tryAcquire(path)) == nil
    }

    /// One of `count` slot locks named `prefix-0.lock` ...: how runs share a limited resource
    /// (workers, a runbook's concurrency) across processes. Nil when all are taken.
    static func acquireSlot(_ prefix: String, count: Int) throws -> FileLock? {
        for slot in 0..<count {
            if let lock = try tryAcquire("\(prefix)-\(slot).lock") { return lock }
        }
        return nil
    }
}
