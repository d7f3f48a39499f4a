import ITIL
import Synchronization
import Wiki

/// Commits a run's events to the audit branch in the order they happen, without making the run
/// wait for each commit.
///
/// A step's start and end are commits; waiting for each to be on disk would put two syncs in
/// front of every step. Events are posted and committed behind the run: whatever piled up while
/// the previous write was going on goes out in the next one, one commit per event, batched with
/// whatever else the store is writing. ``drain()`` waits until all are durable, which the run
/// does before it waits for an approval and before it reports its end.
final class RunJournal: Sendable {
    /// One event to commit.
    typealias Event = IncidentStore.FolderEvent
    typealias Entry = IncidentStore.JournalEntry

    /// An entry as posted: ready, or made by the writer when it takes the batch.
    private enum Posted: Sendable {
        case ready(Entry)
        case later(@Sendable () -> Event)

        var entry: Entry {
            switch self {
            case .ready(let entry): entry
            case .later(let make): .files(make())
            }
        }
    }

    private struct State {
        var pending: [Posted] = []
        var waiters: [CheckedContinuation<Void, Error>] = []
        var writing = false
        var failure: Error?
    }

    private let store: IncidentStore
    private let incident: IncidentNumber
    private let state = Mutex(State())
    /// Fires on every post and drain, for the writer gathering a batch.
    private let arrivals = Signal()

    /// A journal committing events of `incident` through `store`.
    init(store: IncidentStore, incident: IncidentNumber) {
        self.store = store
        self.incident = incident
    }

    /// Queues an event that `make` builds when it is written (encoding records off the run's path);
    /// it is committed after every event posted before it.
    func post(_ make: @escaping @Sendable () -> Event) {
        post(posted: .later(make))
    }

    /// Queues a change of the incident's record, decided against the record as it is when the
    /// change is written, after every event posted before it.
    func post(change decide: @escaping @Sendable (Incident) -> [IncidentEvent], actor: String) {
        post(posted: .ready(.change(actor: actor, decide: decide)))
    }

    private func post(posted: Posted) {
        let start = state.withLock { state in
            state.pending.append(posted)
            defer { state.writing = true }
            return !state.writing
        }
        if start { Task { await self.write() } }
        arrivals.fire()
    }

    /// Waits until every event posted so far is on disk; throws the first commit failure.
    func drain() async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, Error>) in
            let idle: Error?? = state.withLock { state in
                guard state.writing else { return .some(state.failure) }
                state.waiters.append(waiter)
                return .none
            }
            if case .some(let failure) = idle {
                if let failure { waiter.resume(throwing: failure) } else { waiter.resume() }
            }
            arrivals.fire()
        }
    }

    /// How long the writer lets events gather before each write.
    static let gathering: Duration = .milliseconds(5)
    /// Every batch costs the store a pack and five syncs however small it is: the writer waits for
    /// this many events, up to ``longestGathering``, so a run's steps share batches instead of each
    /// paying for its own.
    static let packWorthyBatch = 8
    static let longestGathering: Duration = .milliseconds(30)

    /// What the writer does next.
    private enum Next {
        case commit([Posted], skip: Bool)
        case finish([CheckedContinuation<Void, Error>], Error?)
    }

    /// Waits for more events to join the next batch, unless someone is draining: then nothing more
    /// is coming and waiting would only delay them. Each post and each drain wakes it to look again.
    private func gather() async {
        let started = ContinuousClock.now
        while true {
            let seen = arrivals.generation
            let elapsed = ContinuousClock.now - started
            let (draining, pending) = state.withLock { ($0.waiters.isEmpty == false, $0.pending.count) }
            if draining || elapsed >= Self.longestGathering { return }
            if pending >= Self.packWorthyBatch, elapsed >= Self.gathering { return }
            let until = pending >= Self.packWorthyBatch ? Self.gathering : Self.longestGathering
            await arrivals.wait(after: seen, timeout: until - elapsed)
        }
    }

    /// Commits what is pending, batch after batch, until nothing is; then answers the waiters.
    /// Only one of these runs at a time, which keeps the events in order.
    private func write() async {
        while true {
            // Let a few more events gather: a run posts two per step, and a batch of a dozen
            // becomes one pack instead of a hundred loose object files. The run does not wait for
            // this, unless it is draining: then nothing more is coming and waiting would only delay it.
            await gather()
            // Taking the batch and deciding to stop happen under one lock, so an event posted
            // meanwhile is either in a batch or starts a new writer.
            let next = state.withLock { state -> Next in
                guard state.pending.isEmpty else {
                    defer { state.pending = [] }
                    return .commit(state.pending, skip: state.failure != nil)
                }
                state.writing = false
                defer { state.waiters = [] }
                return .finish(state.waiters, state.failure)
            }
            switch next {
            case .commit(let batch, let skip):
                guard !skip else { continue }
                do {
                    try await store.append(batch.map(\.entry), to: incident)
                } catch {
                    state.withLock { $0.failure = error }
                }
            case .finish(let waiters, let failure):
                for waiter in waiters {
                    if let failure { waiter.resume(throwing: failure) } else { waiter.resume() }
                }
                return
            }
        }
    }
}
