import ITIL
import Logging
import ServiceLifecycle

/// Keeps the store up with what other processes commit to the audit branch (a CLI command, a second
/// server), for the whole life of the server: see ``AuditFollower``.
struct AuditFollowing: Service {
    let store: IncidentStore
    let logger: Logger

    func run() async throws {
        let logger = logger
        let follower = AuditFollower(store: store) { error in
            logger.error("could not catch up with the audit branch", metadata: ["error": "\(error)"])
        }
        try? await gracefulShutdown()
        follower.stop()
    }
}
