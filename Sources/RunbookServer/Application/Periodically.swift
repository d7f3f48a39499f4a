import ServiceLifecycle

/// Runs `work` every `interval` until the service group shuts down; an error of one round is
/// handed to `failed` and the next round comes as usual.
func periodically(
    every interval: Duration, _ work: @escaping @Sendable () async throws -> Void, failed: @escaping @Sendable (any Error) -> Void
) async {
    try? await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            try await Task.sleep(for: interval)
            do {
                try await work()
            } catch {
                failed(error)
            }
        }
    }
}
