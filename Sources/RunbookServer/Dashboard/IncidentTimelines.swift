import Foundation
import ITIL
import Logging
import ServiceLifecycle
import Synchronization
import Wiki

/// Which audit commits belong to which incident, in memory: the incident page's timeline without a walk of git.
///
/// Walking the audit branch back to an incident's opening cost about 23 µs a commit (230 ms for an incident 10,000
/// commits old). The index reads the branch once, in the background after the server starts, from the `Incident:`
/// trailers of each commit, and follows the store's feed from then on (it observes the feed before reading, so no
/// commit falls between). A commit of several events (``AuditBatch``) is listed under each of their incidents. Until it has read the branch, ``commits(of:)`` answers nil and the page walks git.
///
/// A commit id is kept as 20 bytes, not its 40-character hex: about 60 bytes an incident at one commit each.
final class IncidentTimelines: Service, Sendable {
    private struct State {
        var commits: [IncidentNumber: [PackedCommitID]] = [:]
        var loaded = false
    }

    private let state = Mutex(State())
    private let store: IncidentStore
    private let logger: Logger

    init(store: IncidentStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// The incident's audit commits, oldest first; nil until the branch has been read.
    func commits(of number: IncidentNumber) -> [ObjectID]? {
        state.withLock { state in state.loaded ? (state.commits[number] ?? []).map(\.objectID) : nil }
    }

    /// Reads the branch, then keeps up with the feed until the server stops.
    func run() async throws {
        store.feed.observe { [weak self] events in self?.add(events) }
        let tip = store.feed.tip
        let reader = store.reader
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let history = try await offThePool { try tip.map { try Self.read(reader, from: $0) } ?? [:] }
            state.withLock { state in
                // The feed's commits since the tip were added while the branch was read; they come after it.
                for (number, older) in history { state.commits[number] = older + (state.commits[number] ?? []) }
                state.loaded = true
            }
            logger.info("incident timelines read", metadata: ["incidents": "\(history.count)", "seconds": "\(clock.now - started)"])
        } catch {
            logger.error("incident timelines are read from git page by page", metadata: ["error": "\(error)"])
        }
        try? await gracefulShutdown()
    }

    private func add(_ events: [AuditEvent]) {
        state.withLock { state in
            for event in events where !event.incident.isJob {
                let id = PackedCommitID(event.commit)
                if state.commits[event.incident]?.last != id { state.commits[event.incident, default: []].append(id) }
            }
        }
    }

    /// Every incident's commits from `tip` back to the root, oldest first.
    private static func read(_ reader: Repository, from tip: ObjectID) throws -> [IncidentNumber: [PackedCommitID]] {
        var commits: [IncidentNumber: [PackedCommitID]] = [:]
        try reader.walk(tip.hex) { commit in
            let id = PackedCommitID(commit.id)
            // A batch's commit carries events of several incidents.
            for event in AuditEvent.events(of: commit) where !event.incident.isJob && commits[event.incident]?.last != id {
                commits[event.incident, default: []].append(id)
            }
            return true
        }
        return commits.mapValues { $0.reversed() }
    }
}

/// A commit id in 20 bytes.
struct PackedCommitID: Hashable, Sendable {
    private let high: UInt64, middle: UInt64, low: UInt32

    init(_ id: ObjectID) {
        let hex = id.hex
        high = UInt64(hex.prefix(16), radix: 16)!
        middle = UInt64(hex.dropFirst(16).prefix(16), radix: 16)!
        low = UInt32(hex.suffix(8), radix: 16)!
    }

    var objectID: ObjectID {
        ObjectID(hex: String(format: "%016llx%016llx%08x", high, middle, low))!
    }
}
