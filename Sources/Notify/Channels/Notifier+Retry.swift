import Logging

extension Notifier {
    /// Runs `attempt` until it is accepted, fails permanently, or the policy's attempts are used up.
    func withRetries(logger: Logger, _ attempt: @Sendable () async -> AttemptResult) async -> DeliveryOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        var attempts = 0
        while true {
            attempts += 1
            let result = await attempt()
            switch result {
            case .accepted(let detail):
                return DeliveryOutcome(succeeded: true, detail: detail, attempts: attempts, duration: clock.now - start)
            case .permanent(let detail):
                return failure(detail, attempts: attempts, since: start, clock: clock)
            case .transient(let detail):
                logger.notice("notification attempt failed", metadata: ["attempt": "\(attempts)", "detail": "\(detail)"])
                guard attempts < retryPolicy.attempts else { return failure(detail, attempts: attempts, since: start, clock: clock) }
                do {
                    try await Task.sleep(for: retryPolicy.delay(after: attempts))
                } catch {
                    return failure("\(detail); cancelled", attempts: attempts, since: start, clock: clock)
                }
            }
        }
    }

    private func failure(_ detail: String, attempts: Int, since start: ContinuousClock.Instant, clock: ContinuousClock) -> DeliveryOutcome {
        let text = attempts > 1 ? "\(detail) after \(attempts) attempts" : detail
        return DeliveryOutcome(succeeded: false, detail: text, attempts: attempts, duration: clock.now - start)
    }
}
