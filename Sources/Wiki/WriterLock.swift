import Foundation

/// An exclusive lock shared by processes through `flock` on a file; the kernel releases it when
/// its holder exits, even by SIGKILL, so a crash never leaves it held.
final class WriterLock: Sendable {
    /// The lock file; created when missing, never deleted (deleting would race with lockers).
    let path: String
    /// Serialises threads of this process; `flock` on separate descriptors would too, but a
    /// mutex is cheaper and keeps one descriptor.
    private let threads = NSLock()

    init(path: String) {
        self.path = path
    }

    /// Runs `body` holding the lock.
    func withLock<Result>(_ body: () throws -> Result) throws -> Result {
        threads.lock()
        defer { threads.unlock() }
        let descriptor = try acquire()
        defer { release(descriptor) }
        return try body()
    }

    /// Takes the lock and keeps it until ``release(_:)``, across calls and threads (a server holds it while its
    /// journal has entries not yet committed); returns the descriptor that holds it.
    func acquire() throws -> Int32 {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WikiError.lockFailed(path: path, reason: String(cString: strerror(errno))) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw WikiError.lockFailed(path: path, reason: reason)
            }
        }
        return descriptor
    }

    /// Releases what ``acquire()`` took.
    func release(_ descriptor: Int32) {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
