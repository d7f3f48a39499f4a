import Foundation
import ITIL
import Logging
import ServiceLifecycle

/// Records SLA breaches when they fall due and closes resolved incidents whose wait is over: it sleeps
/// until the next deadline of any incident, and works it out again when an incident changes (a new
/// one, or a new priority, may be due sooner).
struct SLASweeper: Service {
    let store: IncidentStore
    let logger: Logger
    /// The longest it sleeps: a deadline worked out before the clock jumped is looked at again by then.
    static let longestSleep: Duration = .seconds(300)
    /// During a burst of changes, deadlines are worked out again at most this often (it reads every incident).
    static let settle: Duration = .seconds(1)

    func run() async throws {
        let changed = Signal()
        store.feed.observe { events in
            if events.contains(where: { $0.name.changesRecord }) { changed.fire() }
        }
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let seen = changed.generation
                let next = nextDeadline()
                if let next, next <= Date() {
                    await sweep()
                    // What the sweep could not record stays due: look again after a pause, not at once.
                    if let again = nextDeadline(), again <= Date() { try await Task.sleep(for: Self.settle) }
                    continue
                }
                let wait = next.map { Duration.milliseconds(Int64($0.timeIntervalSinceNow * 1000) + 1) } ?? Self.longestSleep
                await changed.wait(after: seen, timeout: min(wait, Self.longestSleep))
                if changed.generation != seen { try await Task.sleep(for: Self.settle) }
            }
        }
    }

    private func sweep() async {
        do {
            let changed = try await store.sweep()
            if !changed.isEmpty { logger.info("SLA sweep", metadata: ["changed": "\(changed.count)"]) }
        } catch {
            logger.error("SLA sweep failed", metadata: ["error": "\(error)"])
        }
    }

    /// The soonest deadline among the incidents.
    private func nextDeadline() -> Date? {
        store.nextDeadline
    }
}
