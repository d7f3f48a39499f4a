import ITIL
import Wiki

/// Commits a run's events to the audit branch in the order they happen, without making the run
/// wait for each commit.
///
/// A step's start and end are commits; waiting for each to be on disk would put two syncs in
/// front of every step. Events are posted and committed in order behind the run, batched with
/// whatever else the store is writing; ``drain()`` waits until all are durable, which the run
/// does before it reports its end, before it waits for an approval, and when it stops.
final class RunJournal: Sendable {
    /// One event to commit.
    struct Event: Sendable {
        let name: String
        let subject: String
        let files: [FileChange]
        let trailers: [Trailer]
        let actor: String
    }

    private enum Item: Sendable {
        case event(Event)
        case marker(CheckedContinuation<Void, Error>)
    }

    private let continuation: AsyncStream<Item>.Continuation
    private let task: Task<Void, Never>

    /// A journal committing events of `incident` through `store`.
    init(store: IncidentStore, incident: IncidentNumber) {
        let (stream, continuation) = AsyncStream<Item>.makeStream()
        self.continuation = continuation
        task = Task {
            var failure: Error?
            for await item in stream {
                switch item {
                case .event(let event) where failure == nil:
                    do {
                        try await store.appendEvent(
                            to: incident, event: event.name, subject: event.subject, files: event.files, trailers: event.trailers,
                            actor: event.actor)
                    } catch {
                        failure = error
                    }
                case .event:
                    continue
                case .marker(let waiter):
                    if let failure { waiter.resume(throwing: failure) } else { waiter.resume() }
                }
            }
        }
    }

    deinit {
        continuation.finish()
    }

    /// Queues an event; it is committed after every event posted before it.
    func post(_ event: Event) {
        continuation.yield(.event(event))
    }

    /// Waits until every event posted so far is on disk; throws the first commit failure.
    func drain() async throws {
        try await withCheckedThrowingContinuation { waiter in
            continuation.yield(.marker(waiter))
        }
    }
}
