import Dispatch
import Synchronization
import Foundation

/// Turns SIGINT and SIGTERM into a call, so a long command can stop cleanly (cancel its run,
/// commit that, and only then exit) instead of dying with a step left running.
final class InterruptWatch {
    private let sources: [DispatchSourceSignal]

    /// Calls `handler` on the first SIGINT or SIGTERM while this value lives; a second signal
    /// exits at once, for someone who really wants out.
    init(_ handler: @escaping @Sendable () -> Void) {
        let seen = Seen()
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if seen.first() {
                    Console.note("stopping: canceling the run (again to exit at once)")
                    handler()
                } else {
                    exit(128 + number)
                }
            }
            source.resume()
            return source
        }
    }

    deinit {
        sources.forEach { $0.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    /// Whether a signal was seen before.
    private final class Seen: Sendable {
        private let flag = Mutex(false)
        func first() -> Bool { flag.withLock { seen in defer { seen = true }; return !seen } }
    }
}
