import Escalation
import Logging
import Notify
import ServiceLifecycle

/// Runs the escalation engine for the server's life: it reads every escalation back from the audit branch, then
/// pages as deadlines arrive and incidents change. On shutdown the notifier's connections are closed.
struct EscalationService: Service {
    let engine: EscalationEngine
    let notifier: Notifier
    let logger: Logger

    func run() async throws {
        do {
            try await engine.load()
        } catch {
            logger.error("cannot read the escalations; paging nobody", metadata: ["error": "\(error)"])
        }
        await cancelWhenGracefulShutdown {
            await engine.run()
        }
        await notifier.shutdown()
    }
}
