import Foundation
import ITIL
import Synchronization
import Wiki

/// Every run on the audit branch, in memory, kept current by the store's feed like the incident
/// book: listing runs and reading one never touch git.
///
/// It observes the feed (see ``AuditFeed/observe(_:)``), so a subscriber that hears of a run's event
/// finds the run here already changed. Events this process wrote carry the run's record; for other
/// processes' commits the run is read from git at the event's commit.
public final class RunIndex: Sendable {
    private struct State {
        var runs: [RunID: Run] = [:]
        var decisions: [RunID: [String: Decision]] = [:]
        var cancels: [RunID: Decision] = [:]
        /// Events that came while the index was loading, applied once it has.
        var early: [AuditEvent]? = []
    }

    private let state = Mutex(State())
    private let repository: Repository

    /// Loads every run at the feed's tip and follows `store`'s feed from there.
    ///
    /// - Throws: when a run's record does not parse or git cannot be read.
    public init(store: IncidentStore) throws {
        repository = store.reader
        // Observe first, so that nothing published while the runs load is missed.
        store.feed.observe { [weak self] events in self?.apply(events) }
        let tip = store.feed.tip
        let runs = try tip.map { try RunArchive.runs(at: $0, in: repository) } ?? []
        // A decision committed while no process ran the run (it is acted on when the run resumes).
        var waiting: [(RunID, String, Decision)] = []
        for run in runs where run.state == .awaitingApproval {
            if let tip, let step = run.steps.first(where: { $0.state == .awaitingApproval }),
               let decision = try RunArchive.decision(of: run.id, step: step.id, at: tip, in: repository) {
                waiting.append((run.id, step.id, decision))
            }
        }
        let early = state.withLock { state in
            for run in runs { state.runs[run.id] = run }
            for (id, step, decision) in waiting { state.decisions[id, default: [:]][step] = decision }
            defer { state.early = nil }
            return state.early ?? []
        }
        // What came before the tip the runs were read at is in them already.
        let later = early.lastIndex { $0.commit == tip }.map { early[($0 + 1)...] } ?? early[...]
        apply(Array(later))
    }

    /// The run `id`, if there is one.
    public func run(_ id: RunID) -> Run? {
        state.withLock { $0.runs[id] }
    }

    /// Every run that passes `filter`, oldest incident first.
    public func runs(where filter: (Run) -> Bool = { _ in true }) -> [Run] {
        let runs = state.withLock { $0.runs }
        return runs.values.filter(filter).sorted { $0.id < $1.id }
    }

    /// The decision on step `step` of run `id`, once someone made one.
    public func decision(of id: RunID, step: String) -> Decision? {
        state.withLock { $0.decisions[id]?[step] }
    }

    /// The cancel request of run `id`, once someone asked.
    public func cancelRequest(of id: RunID) -> Decision? {
        state.withLock { $0.cancels[id] }
    }

    /// How many runs are in each state.
    public func counts() -> [RunState: Int] {
        state.withLock { state in state.runs.values.reduce(into: [:]) { $0[$1.state, default: 0] += 1 } }
    }

    // MARK: - Following the feed

    private func apply(_ events: [AuditEvent]) {
        let loading = state.withLock { state in
            guard state.early != nil else { return false }
            state.early! += events
            return true
        }
        guard !loading else { return }
        for event in events {
            guard let id = event.run else { continue }
            switch event.name {
            case .approvalGiven, .denialGiven, .cancelRequested:
                apply(decision: event, of: id)
            default:
                let run = (event.attachment as? Run) ?? (try? RunArchive.run(id, at: event.commit, in: repository))
                if let run { state.withLock { $0.runs[id] = run } }
            }
        }
    }

    /// A decision or cancel request, from the event when this process made it, else from git.
    private func apply(decision event: AuditEvent, of id: RunID) {
        if event.name == .cancelRequested {
            let request = (event.attachment as? Decision) ?? (try? RunArchive.cancelRequest(of: id, at: event.commit, in: repository))
            if let request { state.withLock { $0.cancels[id] = request } }
            return
        }
        guard let step = event.step else { return }
        let decision = (event.attachment as? Decision) ?? (try? RunArchive.decision(of: id, step: step, at: event.commit, in: repository))
        if let decision { state.withLock { $0.decisions[id, default: [:]][step] = decision } }
    }
}
