import Foundation
import ITIL
import Synchronization
import Wiki

/// What a run waits for from people and other processes, heard as the store's events: a decision on
/// the step it waits on, a request to cancel it, its incident no longer being open.
///
/// It takes the place of reading the audit branch every 250 ms for each waiting run. A decision made
/// through this process arrives with its event; one committed by another process arrives once the
/// store has caught up with that commit (``AuditFollower``) and is read from git then.
final class RunWatch: Sendable {
    /// Fires on every fact learned; the run waits on it.
    let signal = Signal()

    private struct Facts {
        var decisions: [String: Decision] = [:]
        var cancelRequest: Decision?
        var closedAs: IncidentState?
        /// The step the run waits on a decision for, if it does.
        var awaiting: String?
    }

    private let facts = Mutex(Facts())
    private let listener = Mutex<Task<Void, Never>?>(nil)
    private let store: IncidentStore
    private let run: RunID
    private let onCancelRequest: @Sendable (Decision) -> Void

    /// Starts listening for `run`'s events; `onCancelRequest` is called once when someone asks to cancel it.
    init(store: IncidentStore, run: RunID, onCancelRequest: @escaping @Sendable (Decision) -> Void) {
        self.store = store
        self.run = run
        self.onCancelRequest = onCancelRequest
        listen()
    }

    deinit {
        stop()
    }

    /// Stops listening.
    func stop() {
        listener.withLock { $0 }?.cancel()
    }

    /// Notes that the run now waits on a decision for `step`.
    func expect(decisionOn step: String) {
        facts.withLock { $0.awaiting = step }
    }

    /// The decision on `step`, once someone made one.
    func decision(on step: String) -> Decision? { facts.withLock { $0.decisions[step] } }
    /// The cancel request, once someone made one.
    var cancelRequest: Decision? { facts.withLock { $0.cancelRequest } }
    /// The incident's state once it is no longer open.
    var incidentClosedAs: IncidentState? { facts.withLock { $0.closedAs } }

    /// Reads what was decided before the watch began (a run resumed after a restart, a cancel
    /// committed while the run was being set up), so that nothing falls between; `step` is the step
    /// the run waits on a decision for, if it does (remembered, for a catch-up after falling behind).
    func catchUp(awaiting step: String?) async {
        let step = facts.withLock { facts in
            if let step { facts.awaiting = step }
            return facts.awaiting
        }
        let (run, reader, branch) = (run, store.reader, store.auditLog.branch)
        let found = try? await offThePool { () -> (Decision?, Decision?) in
            guard let head = try reader.branchHead(branch) else { return (nil, nil) }
            let decision = try step.flatMap { try RunArchive.decision(of: run, step: $0, at: head, in: reader) }
            return (decision, try RunArchive.cancelRequest(of: run, at: head, in: reader))
        }
        if let step, let decision = found?.0 { learn { $0.decisions[step] = $0.decisions[step] ?? decision } }
        if let request = found?.1 { learnCancel(request) }
        if let state = try? store.incident(run.incident).state, !state.isOpen { learn { $0.closedAs = state } }
    }

    // MARK: - Listening

    private func listen() {
        let run = run
        let subscription = store.feed.subscribe(buffer: 256) { item in
            guard case .committed(let event) = item, event.incident == run.incident else { return false }
            return event.run == run || event.name.changesRecord
        }
        let task = Task { [weak self] in
            for await item in subscription {
                guard case .committed(let event) = item else { continue }
                await self?.hear(event)
            }
            // Fell behind (a burst of its incident's events): listen again, then read afresh what it may have missed.
            if subscription.overflowed, let self, !Task.isCancelled {
                self.listen()
                await self.catchUp(awaiting: nil)
            }
        }
        listener.withLock { old in
            old?.cancel()
            old = task
        }
    }

    private func hear(_ event: AuditEvent) async {
        let (run, reader) = (run, store.reader)
        switch event.name {
        case .cancelRequested where event.run == run:
            let request = await attached(event) { try RunArchive.cancelRequest(of: run, at: event.commit, in: reader) }
            if let request { learnCancel(request) }
        case .approvalGiven, .denialGiven:
            guard event.run == run, let step = event.step else { return }
            let decision = await attached(event) { try RunArchive.decision(of: run, step: step, at: event.commit, in: reader) }
            if let decision { learn { $0.decisions[step] = $0.decisions[step] ?? decision } }
        default:
            if event.name.changesRecord, let state = event.state, !state.isOpen { learn { $0.closedAs = state } }
        }
    }

    /// The decision the event carries, or the one its commit holds.
    private func attached(_ event: AuditEvent, reading: @escaping @Sendable () throws -> Decision?) async -> Decision? {
        if let decision = event.attachment as? Decision { return decision }
        return (try? await offThePool(reading)) ?? nil
    }

    private func learnCancel(_ request: Decision) {
        let first = facts.withLock { facts in
            defer { facts.cancelRequest = facts.cancelRequest ?? request }
            return facts.cancelRequest == nil
        }
        if first { onCancelRequest(request) }
        signal.fire()
    }

    private func learn(_ change: (inout Facts) -> Void) {
        facts.withLock { change(&$0) }
        signal.fire()
    }
}
