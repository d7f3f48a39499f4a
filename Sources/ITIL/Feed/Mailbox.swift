import Synchronization

/// A bounded queue one reader empties with ``next(timeout:)`` and any number of writers fill without
/// ever waiting: a writer that finds it full closes it instead (``overflowed``), and the reader, told
/// so, picks up by other means (a replay).
public final class Mailbox<Element: Sendable>: Sendable {
    /// What ``next(timeout:)`` found.
    public enum Next: Sendable {
        case item(Element)
        /// Nothing came within the timeout; the mailbox is still open.
        case timedOut
        /// Closed (or overflowed) and read to the end, or the reading task was canceled.
        case ended
    }

    private struct State {
        var queue: [Element] = []
        var read = 0
        var closed = false
        var overflowed = false
    }

    private let capacity: Int
    private let signal = Signal()
    private let state = Mutex(State())
    private let onClose: @Sendable () -> Void

    /// A mailbox for at most `capacity` unread items; `onClose` runs once when it closes (or is let go of).
    public init(capacity: Int, onClose: @escaping @Sendable () -> Void = {}) {
        self.capacity = Swift.max(1, capacity)
        self.onClose = onClose
    }

    deinit {
        onClose()
    }

    /// Whether it closed because a writer found it full.
    public var overflowed: Bool { state.withLock { $0.overflowed } }

    /// Adds `item`; closes the mailbox instead when it is full. Returns false when the item was not queued.
    @discardableResult
    public func post(_ item: Element) -> Bool {
        let (queued, overflow) = state.withLock { state -> (Bool, Bool) in
            guard !state.closed else { return (false, false) }
            guard state.queue.count - state.read < capacity else {
                state.closed = true
                state.overflowed = true
                return (false, true)
            }
            state.queue.append(item)
            return (true, false)
        }
        if overflow { onClose() }
        if queued || overflow { signal.fire() }
        return queued
    }

    /// Closes it; what is queued can still be read.
    public func close() {
        let first = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        if first { onClose() }
        signal.fire()
    }

    /// The next item, waiting up to `timeout` (forever when nil) for one.
    public func next(timeout: Duration? = nil) async -> Next {
        while true {
            let seen = signal.generation
            let found: Next? = state.withLock { state in
                if state.read < state.queue.count {
                    defer {
                        state.read += 1
                        // Forget what was read now and then, so the queue does not keep every item ever posted.
                        if state.read >= 256, state.read * 2 >= state.queue.count {
                            state.queue.removeFirst(state.read)
                            state.read = 0
                        }
                    }
                    return .item(state.queue[state.read])
                }
                return state.closed ? .ended : nil
            }
            if let found { return found }
            if Task.isCancelled { return .ended }
            let started = ContinuousClock.now
            await signal.wait(after: seen, timeout: timeout)
            if let timeout, signal.generation == seen, ContinuousClock.now - started >= timeout { return .timedOut }
        }
    }
}

extension Mailbox: AsyncSequence {
    /// The items until the mailbox closes.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let mailbox: Mailbox

        public mutating func next() async -> Element? {
            if case .item(let item) = await mailbox.next() { return item }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(mailbox: self) }
}
