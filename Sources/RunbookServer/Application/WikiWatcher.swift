import Logging
import Runbooks
import ServiceLifecycle
import Wiki

/// The runbooks as of the wiki's latest commit: a commit to the wiki is a deployment, picked up
/// without a restart. Polls the branch head and reloads only the pages that changed.
public actor WikiWatcher: Service {
    public nonisolated let repository: Repository
    private let revision: String
    private let interval: Duration
    private let logger: Logger
    private var current: RunbookLibrary
    private let onReload: @Sendable (RunbookLibrary) -> Void

    /// Loads the runbooks at `revision` (a branch, default the one HEAD names).
    public init(
        repository: Repository, revision: String = "HEAD", interval: Duration, logger: Logger,
        onReload: @escaping @Sendable (RunbookLibrary) -> Void = { _ in }
    ) throws {
        self.repository = repository
        self.revision = revision
        self.interval = interval
        self.logger = logger
        self.onReload = onReload
        current = try RunbookLibrary.load(from: repository, at: repository.resolve(revision))
        onReload(current)
    }

    /// The library as of the last check.
    public var library: RunbookLibrary { current }

    /// Checks the branch now; returns the library, reloaded if the branch moved.
    @discardableResult
    public func refresh() throws -> RunbookLibrary {
        let head = try repository.resolve(revision)
        guard head != current.commit else { return current }
        let next = try RunbookLibrary.load(from: repository, at: head, reusing: current)
        logger.info("wiki deployed", metadata: [
            "commit": "\(head.short)", "runbooks": "\(next.runbooks.count)", "reparsed": "\(next.reparsedCount)",
            "errors": "\(next.pages.filter { $0.runbook == nil }.count)",
        ])
        current = next
        onReload(next)
        return next
    }

    /// Polls until the service group shuts down.
    public func run() async throws {
        let logger = logger
        await periodically(every: interval, { try await self.refresh() }, failed: { error in
            logger.error("could not reload the wiki; keeping the runbooks loaded before", metadata: ["error": "\(error)"])
        })
    }
}
