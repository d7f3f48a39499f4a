import Executor
import Foundation
import Synchronization

/// Live progress of the runs this server executes, for the event stream of
/// `GET /api/v1/runs/{id}/events`: every subscriber of a run gets its events from the moment it
/// subscribed until the run ends.
public final class RunFeed: Sendable {
    private struct State {
        var active: Set<RunID> = []
        var subscribers: [RunID: [UUID: AsyncStream<RunProgress>.Continuation]] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether `id` is executing (or queued) in this server.
    func isActive(_ id: RunID) -> Bool {
        state.withLock { $0.active.contains(id) }
    }

    /// The events of `id` from now on; the stream ends when the run does (or at once if the
    /// caller finds it is not active and finishes it).
    func subscribe(_ id: RunID) -> (stream: AsyncStream<RunProgress>, cancel: @Sendable () -> Void) {
        let token = UUID()
        let (stream, continuation) = AsyncStream<RunProgress>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        state.withLock { $0.subscribers[id, default: [:]][token] = continuation }
        let cancel: @Sendable () -> Void = { [weak self] in
            let removed = self?.state.withLock { $0.subscribers[id]?.removeValue(forKey: token) }
            removed?.finish()
        }
        continuation.onTermination = { _ in cancel() }
        return (stream, cancel)
    }

    /// Passes `event` of run `id` to its subscribers; `.ended` closes their streams.
    func publish(_ event: RunProgress, of id: RunID) {
        let targets: [AsyncStream<RunProgress>.Continuation] = state.withLock { state in
            switch event {
            case .queued: state.active.insert(id)
            case .ended: state.active.remove(id)
            default: break
            }
            let targets = Array((state.subscribers[id] ?? [:]).values)
            if case .ended = event { state.subscribers[id] = nil }
            return targets
        }
        for continuation in targets {
            continuation.yield(event)
            if case .ended = event { continuation.finish() }
        }
    }
}
