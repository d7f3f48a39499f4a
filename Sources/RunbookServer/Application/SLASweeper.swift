import ITIL
import Logging
import ServiceLifecycle

/// Records SLA breaches as they fall due and closes resolved incidents whose wait is over, every
/// sweep interval.
struct SLASweeper: Service {
    let store: IncidentStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let (store, logger) = (store, logger)
        await periodically(every: interval, {
            let changed = try await store.sweep()
            if !changed.isEmpty { logger.info("SLA sweep", metadata: ["changed": "\(changed.count)"]) }
        }, failed: { error in
            logger.error("SLA sweep failed", metadata: ["error": "\(error)"])
        })
    }
}
