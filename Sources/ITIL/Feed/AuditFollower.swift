import Foundation
import Synchronization
import Wiki

/// Keeps a store up with what other processes commit to its audit branch (a CLI command, a second
/// server): when the kernel says the branch moved, the store catches up and publishes their events,
/// without a request having to write first.
///
/// Changes that arrive while a catch-up runs are taken by one more catch-up after it, so a burst of
/// commits costs a few reads, not one each. Where inotify is not available the branch is looked at
/// once a second instead.
public final class AuditFollower: Sendable {
    private let store: IncidentStore
    private let watcher: ReferenceWatcher?
    private let poller: Task<Void, Never>?
    private let state = Mutex<(running: Bool, again: Bool)>((false, false))
    private let failed: @Sendable (any Error) -> Void

    /// Starts following `store`'s branch; `failed` hears of catch-ups that fail (a corrupt record).
    public init(store: IncidentStore, failed: @escaping @Sendable (any Error) -> Void = { _ in }) {
        self.store = store
        self.failed = failed
        let wake = Mutex<(@Sendable () -> Void)?>(nil)
        do {
            watcher = try ReferenceWatcher(repository: store.auditLog.repository, branches: [store.auditLog.branch]) {
                wake.withLock { $0 }?()
            }
            poller = nil
        } catch {
            failed(error)
            watcher = nil
            poller = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    wake.withLock { $0 }?()
                }
            }
        }
        wake.withLock { $0 = { [weak self] in self?.changed() } }
        // Whatever was committed between the store's start and the watch.
        changed()
    }

    deinit {
        stop()
    }

    /// Stops following.
    public func stop() {
        watcher?.stop()
        poller?.cancel()
    }

    /// The branch may have moved: catch up, or have the running catch-up go once more.
    private func changed() {
        let start = state.withLock { state in
            if state.running {
                state.again = true
                return false
            }
            state.running = true
            return true
        }
        guard start else { return }
        let (store, failed) = (store, failed)
        Task {
            while true {
                do {
                    try await store.refresh()
                } catch {
                    failed(error)
                }
                let again = self.state.withLock { state in
                    defer { state.again = false }
                    if !state.again { state.running = false }
                    return state.again
                }
                if !again { return }
            }
        }
    }
}
