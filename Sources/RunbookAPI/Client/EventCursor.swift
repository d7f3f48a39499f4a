import Foundation
import ITIL
import Synchronization
import Wiki

/// A reader's place in the event stream: first what it missed since the position it gives (from the
/// feed's memory, or, further back, from the audit history), then every event as it comes.
///
/// The live part is subscribed before the replay is worked out, so nothing falls between the two;
/// the replay is read from git a chunk at a time, as the reader asks for it.
public actor EventCursor {
    /// What ``next(timeout:)`` found.
    public enum Next: Sendable {
        case message(EventMessage)
        /// Nothing within the timeout; the stream goes on (a server sends a heartbeat then).
        case timedOut
        /// The subscription ended: canceled, or the reader fell behind by more than its buffer (`overflowed`).
        case ended(overflowed: Bool)
    }

    /// How far back a replay from history may reach, in commits.
    public static let historyLimit = 100_000
    /// How many events a reader may fall behind the live stream before it is dropped.
    public static let buffer = 4096

    private let query: EventQuery
    private let subscription: FeedSubscription
    private let reader: Repository
    /// What is left to replay, read from the front (an index, not removals: a replay may be long).
    private var replay: ArraySlice<AuditFeed.Item>
    private var history: ArraySlice<ObjectID>
    private let stopped = Atomic<Bool>(false)

    /// A cursor after `query.after`, or at the live end without one.
    ///
    /// - Throws: ``APIError`` (400) when the position names no commit of the audit branch, or one more than
    ///   ``historyLimit`` commits back.
    public init(store: IncidentStore, query: EventQuery) async throws {
        self.query = query
        reader = store.reader
        subscription = store.feed.subscribe(buffer: Self.buffer, wants: query.wants)
        replay = []
        history = []
        guard let position = query.after else { return }
        if let recent = store.feed.recent(after: position, before: subscription.sequence) {
            replay = recent.filter(query.wants)[...]
        } else {
            if position.commit != subscription.after {
                history = try await Self.commits(after: position, upTo: subscription.after, in: reader)[...]
            }
            // After one event of a commit of several: the rest of that commit comes first.
            if let commit = position.commit, let event = position.event {
                let rest = try await offThePool { [reader] in
                    AuditEvent.events(of: try reader.commit(commit)).filter { ($0.index ?? 0) > event }
                }
                replay = rest.map(AuditFeed.Item.committed).filter(query.wants)[...]
            }
        }
    }

    deinit {
        subscription.cancel()
    }

    /// Ends the cursor from outside (a server shutting down): the next ``next(timeout:)`` returns `.ended`.
    public nonisolated func stop() {
        stopped.store(true, ordering: .releasing)
        subscription.cancel()
    }

    /// The next message, waiting up to `timeout` (forever when nil) for a live one.
    public func next(timeout: Duration? = nil) async throws -> Next {
        while true {
            if stopped.load(ordering: .acquiring) { return .ended(overflowed: false) }
            if let item = replay.popFirst() { return .message(EventMessage(item)) }
            if !history.isEmpty {
                try await readHistory()
                continue
            }
            switch await subscription.next(timeout: timeout) {
            case .item(let item): return .message(EventMessage(item))
            case .timedOut: return .timedOut
            case .ended: return .ended(overflowed: subscription.overflowed)
            }
        }
    }

    /// The next message, nil once the stream ends; a reader that fell behind gets an error saying so.
    public func next() async throws -> EventMessage? {
        switch try await next(timeout: nil) {
        case .message(let message): return message
        case .timedOut: return nil
        case .ended(let overflowed):
            guard overflowed else { return nil }
            throw APIError(503, code: "fell_behind", "the stream ended: more than \(Self.buffer) events waited for this reader; "
                           + "follow on from the last event's id")
        }
    }

    /// Reads the next chunk of the replay from git.
    private func readHistory() async throws {
        let chunk = Array(history.prefix(256))
        history = history.dropFirst(chunk.count)
        let reader = reader
        let commits = try await offThePool { try chunk.map { try reader.commit($0) } }
        replay = commits.flatMap(AuditEvent.events(of:)).map(AuditFeed.Item.committed).filter(query.wants)[...]
    }

    /// The commits after `position` up to `tip`, oldest first.
    private static func commits(after position: FeedPosition, upTo tip: ObjectID?, in reader: Repository) async throws -> [ObjectID] {
        guard let tip else { throw unknown(position) }
        return try await offThePool {
            if let commit = position.commit {
                guard (try? reader.isAncestor(commit, of: tip)) == true else { throw unknown(position) }
            }
            let ids = try reader.commitIDs(after: position.commit, upTo: tip, limit: historyLimit + 1)
            guard ids.count <= historyLimit else {
                throw APIError.badRequest("the event id \(position) is more than \(historyLimit) events back; read the current state "
                                          + "and follow on without it", field: "Last-Event-ID", code: "invalid_parameter")
            }
            return ids
        }
    }

    private static func unknown(_ position: FeedPosition) -> APIError {
        APIError.badRequest("the event id \(position) is not an event of this audit branch; follow on without it "
                            + "(or from - to replay everything)", field: "Last-Event-ID", code: "invalid_parameter")
    }
}
