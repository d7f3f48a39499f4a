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
    fileprivate struct State {
        var runs: [RunID: Run] = [:]
        /// Every run's id, oldest first: a page of the newest is read from its end, without sorting.
        var order: [RunID] = []
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
            for run in runs { state.store(run) }
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
        state.withLock { state in state.order.compactMap { state.runs[$0] }.filter(filter) }
    }

    /// The runs (of `incident`, when given) that pass `filter` (every one when nil), newest first, from the
    /// `offset`th on, at most `limit`; and how many pass it.
    ///
    /// Read in place, newest first, under the index's lock: a page of 50 of 10,000 runs copies 50 runs,
    /// not 10,000, and sorts none; without a filter it looks at no other run, and one incident's runs are
    /// found by bisection (they are next to each other in id order).
    public func page(of incident: IncidentNumber? = nil, offset: Int, limit: Int, where filter: ((Run) -> Bool)?) -> (runs: [Run], total: Int) {
        state.withLock { state in
            let ids = incident.map { state.order[state.range(of: $0)] } ?? state.order[...]
            guard let filter else {
                let page = ids.reversed().dropFirst(offset).prefix(limit).compactMap { state.runs[$0] }
                return (page, ids.count)
            }
            var page: [Run] = []
            var total = 0
            for id in ids.reversed() {
                guard let run = state.runs[id], filter(run) else { continue }
                if total >= offset, page.count < limit { page.append(run) }
                total += 1
            }
            return (page, total)
        }
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
                if let run { state.withLock { $0.store(run) } }
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

extension RunIndex.State {
    /// Where `incident`'s runs are in ``order``.
    fileprivate func range(of incident: IncidentNumber) -> Range<Int> {
        func firstIndex(notBefore number: IncidentNumber) -> Int {
            var (low, high) = (0, order.count)
            while low < high {
                let middle = (low + high) / 2
                if order[middle].incident < number { low = middle + 1 } else { high = middle }
            }
            return low
        }
        let start = firstIndex(notBefore: incident)
        var end = start
        while end < order.count, order[end].incident == incident { end += 1 }
        return start..<end
    }

    /// Adds or replaces `run`, keeping ``order`` sorted (new runs nearly always come last).
    fileprivate mutating func store(_ run: Run) {
        if runs.updateValue(run, forKey: run.id) != nil { return }
        if let last = order.last, run.id < last {
            let index = order.firstIndex { $0 > run.id } ?? order.endIndex
            order.insert(run.id, at: index)
        } else {
            order.append(run.id)
        }
    }
}
