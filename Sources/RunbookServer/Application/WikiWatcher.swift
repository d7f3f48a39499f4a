import ITIL
import Logging
import Runbooks
import ServiceLifecycle
import Synchronization
import Wiki

/// The runbooks as of the wiki's latest commit: a commit to the wiki is a deployment, picked up
/// without a restart. The kernel says when a branch moved (``ReferenceWatcher``), and only the pages
/// that changed are parsed again.
public actor WikiWatcher: Service {
    public nonisolated let repository: Repository
    private nonisolated let revision: String
    private nonisolated let logger: Logger
    private var current: RunbookLibrary
    private let onReload: @Sendable (RunbookLibrary) -> Void
    /// Fires when the wiki's branch (or HEAD) may have moved.
    private let moved = Signal()
    private var watcher: ReferenceWatcher?
    private var watched: [String] = []

    /// Loads the runbooks at `revision` (a branch, default the one HEAD names).
    public init(
        repository: Repository, revision: String = "HEAD", logger: Logger, onReload: @escaping @Sendable (RunbookLibrary) -> Void = { _ in }
    ) throws {
        self.repository = repository
        self.revision = revision
        self.logger = logger
        self.onReload = onReload
        current = try RunbookLibrary.load(from: repository, at: repository.resolve(revision))
        onReload(current)
    }

    /// The library as of the last look.
    public var library: RunbookLibrary { current }

    /// Looks at the branch now; returns the library, reloaded if the branch moved. Git is read, and pages
    /// parsed, off the cooperative pool.
    @discardableResult
    public func refresh() async throws -> RunbookLibrary {
        let (repository, revision, current) = (repository, revision, current)
        let next = try await offThePool { () -> RunbookLibrary? in
            let head = try repository.resolve(revision)
            guard head != current.commit else { return nil }
            return try RunbookLibrary.load(from: repository, at: head, reusing: current)
        }
        // Another refresh may have reloaded meanwhile (the actor lets go while git is read).
        guard let next, next.commit != self.current.commit else { return self.current }
        let head = next.commit
        logger.info("wiki deployed", metadata: [
            "commit": "\(head.short)", "runbooks": "\(next.runbooks.count)", "reparsed": "\(next.reparsedCount)",
            "errors": "\(next.pages.filter { $0.runbook == nil }.count)",
        ])
        self.current = next
        onReload(next)
        return next
    }

    /// Reloads whenever the branch moves, until the service group shuts down. Without inotify, looks once a second.
    public func run() async throws {
        let moved = moved
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let seen = moved.generation
                let watching = await self.watch()
                do {
                    try await self.refresh()
                } catch {
                    self.logger.error("could not reload the wiki; keeping the runbooks loaded before", metadata: ["error": "\(error)"])
                }
                await moved.wait(after: seen, timeout: watching ? nil : .seconds(1))
            }
        }
        watcher?.stop()
    }

    /// Watches the branch HEAD names now (HEAD may have been switched to another); false when the kernel will not.
    private func watch() -> Bool {
        let branches = watchedBranches()
        if branches != watched || watcher == nil {
            watcher?.stop()
            watched = branches
            do {
                watcher = try ReferenceWatcher(repository: repository, branches: branches) { [moved] in moved.fire() }
            } catch {
                watcher = nil
                logger.warning("looking at the wiki's branch once a second instead", metadata: ["error": "\(error)"])
            }
        }
        return watcher != nil
    }

    /// The branch `revision` names (HEAD's, when it is HEAD), which a commit to the wiki moves.
    private nonisolated func watchedBranches() -> [String] {
        let name = revision == "HEAD" ? (try? repository.currentBranch()) ?? nil : revision
        return name.map { [$0] } ?? []
    }
}
