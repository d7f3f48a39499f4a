import Foundation
import Synchronization
import Wiki

/// What happens to incidents and runs, as it happens: every audit commit once it is durable (this
/// process's and, once the store has caught up with them, other processes'), in the audit branch's
/// order, and the live output lines of the steps this process runs.
///
/// Any number of subscribers, each with a bounded buffer: the writer never waits for a reader. A
/// subscriber that falls further behind than its buffer has its stream ended (``Mailbox/overflowed``);
/// it picks up where it was from ``recent(after:before:)`` or the audit history. Observers are called inline,
/// in order, before any subscriber hears of an event: for state that must never lag behind what
/// subscribers are told (the run index).
public final class AuditFeed: Sendable {
    /// One thing that happened.
    public enum Item: Sendable {
        case committed(AuditEvent)
        case output(StepOutput)

        /// Its id in the event stream: the commit, or for output the commit before it and a counter.
        public var id: FeedPosition {
            switch self {
            case .committed(let event): event.position
            case .output(let line): line.position
            }
        }

        /// The incident it is about.
        public var incident: IncidentNumber {
            switch self {
            case .committed(let event): event.incident
            case .output(let line): line.run.incident
            }
        }
    }

    private struct State {
        /// Weakly: letting go of a subscription unsubscribes it.
        var subscribers: [UInt64: Subscriber] = [:]
        var nextSubscriber: UInt64 = 0
        var observers: [@Sendable ([AuditEvent]) -> Void] = []
        /// The newest items with their sequence numbers, oldest first, for subscribers that reconnect.
        var recent: [(sequence: UInt64, item: Item)] = []
        var sequence: UInt64 = 0
        /// The commit the feed started from, while memory still reaches back to it.
        var origin: ObjectID??
        var tip: ObjectID?
        var outputCounter: UInt64 = 0

        /// Keeps `item` among the recent ones, forgetting the oldest beyond `limit` (in chunks, so appending stays cheap).
        mutating func remember(_ item: Item, limit: Int) {
            sequence += 1
            if recent.count >= limit * 2 {
                recent.removeFirst(recent.count - limit)
                origin = nil
            }
            recent.append((sequence, item))
        }
    }

    private struct Subscriber {
        weak var subscription: FeedSubscription?
    }

    private let state: Mutex<State>
    /// How many items ``recent(after:before:)`` can reach back at least.
    public let memory: Int

    /// A feed whose history begins after `tip` (the audit head the store started from).
    public init(tip: ObjectID?, memory: Int = 16_384) {
        state = Mutex(State(origin: .some(tip), tip: tip))
        self.memory = memory
    }

    /// The last commit published.
    public var tip: ObjectID? { state.withLock { $0.tip } }

    /// How many subscribers are listening.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    // MARK: - Subscribing

    /// Items from now on that `wants` accepts, at most `buffer` of them waiting to be read: a subscriber
    /// further behind is ended (``Mailbox/overflowed``).
    public func subscribe(buffer: Int = 1024, wants: @escaping @Sendable (Item) -> Bool = { _ in true }) -> FeedSubscription {
        state.withLock { state in
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            let mailbox = Mailbox<Item>(capacity: buffer) { [weak self] in
                _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
            }
            let subscription = FeedSubscription(mailbox: mailbox, wants: wants, after: state.tip, sequence: state.sequence)
            state.subscribers[id] = Subscriber(subscription: subscription)
            return subscription
        }
    }

    /// Adds `observer`, called with each batch of committed events on the publisher's thread, before subscribers.
    public func observe(_ observer: @escaping @Sendable ([AuditEvent]) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    /// The items in memory after `position` and up to the item numbered `sequence` (a subscription's), oldest
    /// first; nil when `position` is a commit memory no longer reaches (the caller reads the audit history).
    public func recent(after position: FeedPosition, before sequence: UInt64) -> [Item]? {
        state.withLock { state in
            let start: Int
            // A commit's id alone stands after the last of its events; with an index, after that one.
            if let index = state.recent.lastIndex(where: { entry in
                guard case .committed(let event) = entry.item, event.commit == position.commit else { return false }
                return position.event == nil || event.index == position.event
            }) {
                start = index + 1
            } else if case .some(let origin) = state.origin, origin == position.commit {
                start = 0
            } else {
                return nil
            }
            return state.recent[start...].lazy.filter { $0.sequence <= sequence }.compactMap { entry in
                if case .output(let line) = entry.item, let seen = position.output, line.position.output ?? 0 <= seen { return nil }
                return entry.item
            }
        }
    }

    // MARK: - Publishing

    /// Publishes committed events, in the order of the audit branch.
    func publish(_ events: [AuditEvent]) {
        guard let last = events.last else { return }
        let (observers, subscribers) = state.withLock { state in
            for event in events { state.remember(.committed(event), limit: memory) }
            state.tip = last.commit
            return (state.observers, state.subscribers.values.compactMap(\.subscription))
        }
        for observer in observers { observer(events) }
        for subscriber in subscribers {
            for event in events { subscriber.offer(.committed(event)) }
        }
    }

    /// Publishes a line of a running step's output; `make` gets the line's position.
    public func publish(output make: (FeedPosition) -> StepOutput) {
        let (line, subscribers) = state.withLock { state in
            state.outputCounter += 1
            let line = make(FeedPosition(commit: state.tip, output: state.outputCounter))
            state.remember(.output(line), limit: memory)
            return (line, state.subscribers.values.compactMap(\.subscription))
        }
        for subscriber in subscribers { subscriber.offer(.output(line)) }
    }
}
