import Executor
import Foundation
import ITIL
import Synchronization

/// Live progress of the runs this server executes, for the event stream of
/// `GET /api/v1/runs/{id}/events`: every subscriber of a run gets its events from the moment it
/// subscribed until the run ends (or is suspended by a shutdown).
///
/// Progress comes before its commit (a step's start is committed behind the step), which is what a
/// person watching a run wants; ``AuditFeed`` has the committed events.
public final class RunFeed: Sendable {
    private struct State {
        var active: Set<RunID> = []
        var subscribers: [RunID: [UUID: Mailbox<RunProgress>]] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether `id` is executing (or queued) in this server.
    func isActive(_ id: RunID) -> Bool {
        state.withLock { $0.active.contains(id) }
    }

    /// The events of `id` from now on; the mailbox closes when the run ends.
    func subscribe(_ id: RunID) -> Mailbox<RunProgress> {
        let token = UUID()
        let mailbox = Mailbox<RunProgress>(capacity: 4096) { [weak self] in
            _ = self?.state.withLock { $0.subscribers[id]?.removeValue(forKey: token) }
        }
        state.withLock { $0.subscribers[id, default: [:]][token] = mailbox }
        return mailbox
    }

    /// Passes `event` of run `id` to its subscribers; its end closes their mailboxes.
    func publish(_ event: RunProgress, of id: RunID) {
        let last: Bool
        switch event {
        case .ended, .suspended: last = true
        default: last = false
        }
        let targets: [Mailbox<RunProgress>] = state.withLock { state in
            if case .queued = event { state.active.insert(id) }
            if last { state.active.remove(id) }
            let targets = Array((state.subscribers[id] ?? [:]).values)
            if last { state.subscribers[id] = nil }
            return targets
        }
        for mailbox in targets {
            mailbox.post(event)
            if last { mailbox.close() }
        }
    }
}
