import Executor
import Foundation
import ITIL
import Synchronization

/// Live progress of the runs this server executes, for the event stream of
/// `GET /api/v1/runs/{id}/events`: every subscriber of a run gets the run as it was queued and every
/// event of its progress since, then its events as they come, until the run ends (or is suspended by a
/// shutdown).
///
/// Progress comes before its commit (a step's start is committed behind the step), which is what a
/// person watching a run wants; ``AuditFeed`` has the committed events. A subscriber that comes late
/// (`runbook trigger --server` opens the stream once the run is on record, when quick steps may be over)
/// still sees each step and attempt as it happened: a committed record keeps only a step's last attempt.
/// For the same reason the progress of the runs that ended last is kept a while, up to ``kept`` events
/// in all: a run of quick steps may be over before its follower's stream is open.
public final class RunFeed: Sendable {
    fileprivate struct State {
        /// Each active run's progress since it was queued (or taken over).
        var progress: [RunID: [RunProgress]] = [:]
        /// The whole progress of the runs that ended last, oldest first.
        var ended: [(id: RunID, progress: [RunProgress])] = []
        var subscribers: [RunID: [UUID: Mailbox<RunProgress>]] = [:]
    }

    /// How many events of a run's progress are kept for late subscribers; past it, output lines are no longer kept
    /// (each step's whole log is committed when it ends), the starts and ends of steps always. Ended runs are kept
    /// while all of theirs together stay under it.
    static let kept = 20_000

    private let state = Mutex(State())

    public init() {}

    /// Whether `id` is executing (or queued) in this server.
    func isActive(_ id: RunID) -> Bool {
        state.withLock { $0.progress[id] != nil }
    }

    /// The run as it was queued, when this server executes it (or ended it a moment ago), and every event of its
    /// progress since, then the events as they come; the mailbox closes when the run ends (at once, when this
    /// server does not execute it).
    func subscribe(_ id: RunID) -> (events: Mailbox<RunProgress>, queued: Run?) {
        let token = UUID()
        let (history, mailbox): ([RunProgress], Mailbox<RunProgress>?) = state.withLock { state in
            if let ended = state.ended.last(where: { $0.id == id }) {
                let mailbox = Mailbox<RunProgress>(capacity: ended.progress.count)
                for event in ended.progress.dropFirst() { mailbox.post(event) }
                mailbox.close()
                return (ended.progress, mailbox)
            }
            guard let history = state.progress[id] else { return ([], nil) }
            let mailbox = Mailbox<RunProgress>(capacity: history.count + 4096) { [weak self] in
                _ = self?.state.withLock { $0.subscribers[id]?.removeValue(forKey: token) }
            }
            // Under the lock: nothing published between the replay and the live events.
            for event in history.dropFirst() { mailbox.post(event) }
            state.subscribers[id, default: [:]][token] = mailbox
            return (history, mailbox)
        }
        guard let mailbox, case .queued(let run) = history.first else {
            let closed = Mailbox<RunProgress>(capacity: 1)
            closed.close()
            return (closed, nil)
        }
        return (mailbox, run)
    }

    /// Keeps `event` of run `id` and passes it to its subscribers; its end closes their mailboxes.
    func publish(_ event: RunProgress, of id: RunID) {
        let last: Bool
        switch event {
        case .ended, .suspended: last = true
        default: last = false
        }
        let targets: [Mailbox<RunProgress>] = state.withLock { state in
            if case .queued = event, state.progress[id] == nil { state.progress[id] = [] }
            if last {
                if let progress = state.progress.removeValue(forKey: id) { state.keep(progress + [event], of: id) }
            } else if case .output = event, (state.progress[id]?.count ?? 0) >= Self.kept {
                // Past the limit, lines are not kept for late subscribers.
            } else {
                state.progress[id]?.append(event)
            }
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

extension RunFeed.State {
    /// Keeps the progress of run `id`, which ended, dropping the oldest ended runs past ``RunFeed/kept`` events.
    mutating func keep(_ progress: [RunProgress], of id: RunID) {
        ended.append((id, progress))
        var total = ended.reduce(0) { $0 + $1.progress.count }
        while total > RunFeed.kept, !ended.isEmpty {
            total -= ended.removeFirst().progress.count
        }
    }
}
