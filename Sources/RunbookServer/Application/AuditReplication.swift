import Executor
import Foundation
import ITIL
import Logging
import Runbooks
import ServiceLifecycle
import Synchronization
import Wiki

/// Keeps a copy of the audit branch on each audit remote: pushes after every batch of commits, asynchronously (an
/// alert's answer never waits for it), with retries and backoff while a remote is unreachable, and never forces.
///
/// A remote that refuses a fast-forward holds commits ours does not: someone rewrote its branch, or another server
/// writes the same branch. That is a loud alert (an error log, a gauge and an incident, which pages), and the
/// remote is left as it is; pushes are retried at the longest backoff, so a remote that was put right catches up.
/// Where each remote stands is written to `DATA/audit/remotes/NAME.json` after every attempt.
final class AuditReplication: Service, Sendable {
    /// The backoff between failed attempts: doubled from `first` up to `longest`.
    struct Backoff: Sendable {
        var first: Duration = .seconds(1)
        var longest: Duration = .seconds(300)
    }

    private let remotes: [AuditRemote]
    private let store: IncidentStore
    private let wiki: Repository
    private let dataDirectory: String
    private let backoff: Backoff
    private let logger: Logger
    private let committed = Signal()
    private let states: Mutex<[String: AuditRemoteState]>

    /// The actor of the incident opened for a rejected push.
    static let actor = "audit-replication"

    init(remotes: [AuditRemote], store: IncidentStore, wiki: Repository, dataDirectory: String, backoff: Backoff = Backoff(), logger: Logger) {
        self.remotes = remotes
        self.store = store
        self.wiki = wiki
        self.dataDirectory = dataDirectory
        self.backoff = backoff
        self.logger = logger
        let (repository, branch) = (store.auditLog.repository, store.auditLog.branch)
        states = Mutex(Dictionary(uniqueKeysWithValues: remotes.map { remote in
            (remote.name, AuditRemoteState.load(remote, inDataDirectory: dataDirectory, repository: repository, branch: branch))
        }))
        store.feed.observe { [committed] _ in committed.fire() }
    }

    /// Where each remote stands, with how many of our commits it lacks (nil when that cannot be told).
    func status() -> [(state: AuditRemoteState, lag: Int?)] {
        let head = try? store.auditLog.head()
        return states.withLock { Array($0.values) }.sorted { $0.name < $1.name }.map { state in
            guard let head else { return (state, 0) }
            return (state, try? store.auditLog.repository.commitsAhead(of: state.pushed, to: head))
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for remote in self.remotes {
                    group.addTask { await self.replicate(to: remote) }
                }
            }
        }
    }

    /// Pushes to `remote` whenever the branch moved past what it has, until cancelled.
    private func replicate(to remote: AuditRemote) async {
        var delay = backoff.first
        // The incident opened for a refused push, once it is.
        var alerted: IncidentNumber?
        while !Task.isCancelled {
            let seen = committed.generation
            guard let head = try? store.auditLog.head(), head != states.withLock({ $0[remote.name]?.pushed }) else {
                await committed.wait(after: seen)
                continue
            }
            let outcome = await push(head, to: remote)
            switch outcome {
            case .accepted:
                delay = backoff.first
                if let incident = alerted { await noteRecovery(of: remote, at: head, on: incident) }
                alerted = nil
                continue
            case .rejected(let reason):
                logger.error("audit remote refused a fast-forward push: its branch has commits ours does not (rewritten, or another writer); not forcing",
                             metadata: ["remote": "\(remote.name)", "reason": "\(reason)"])
                if alerted == nil { alerted = await raiseAlert(for: remote, reason: reason) }
                delay = backoff.longest
            case .failed(let reason):
                logger.warning("cannot push the audit branch; retrying", metadata: [
                    "remote": "\(remote.name)", "error": "\(reason)", "retry_in": "\(delay)"])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, backoff.longest)
        }
    }

    /// One push of `head`, recorded in the remote's state.
    private func push(_ head: ObjectID, to remote: AuditRemote) async -> AuditRemoteTransport.PushOutcome {
        let outcome: AuditRemoteTransport.PushOutcome
        do {
            let inventory = try await offThePool { [wiki] in
                try Inventory.atHead(of: wiki)
            }
            let transport = try AuditRemoteTransport(remote: remote, gitDirectory: store.auditLog.repository.gitDirectory,
                                                     inventory: inventory, dataDirectory: dataDirectory)
            outcome = await transport.push(branch: store.auditLog.branch)
        } catch {
            outcome = .failed("\(error)")
        }
        let state = states.withLock { states in
            var state = states[remote.name]!
            state.lastAttemptAt = Date()
            switch outcome {
            case .accepted:
                state.pushed = head
                state.pushedAt = state.lastAttemptAt
                state.lastError = nil
                state.rejected = false
            case .rejected(let reason):
                state.lastError = reason
                state.rejected = true
            case .failed(let reason):
                state.lastError = reason
            }
            states[remote.name] = state
            return state
        }
        do {
            try await offThePool { [dataDirectory] in try state.save(inDataDirectory: dataDirectory) }
        } catch {
            logger.error("cannot record where an audit remote stands", metadata: ["remote": "\(remote.name)", "error": "\(error)"])
        }
        return outcome
    }

    /// Says on the incident of a refused push that `remote` took our history again, up to `head`: someone put it right.
    private func noteRecovery(of remote: AuditRemote, at head: ObjectID, on incident: IncidentNumber) async {
        logger.notice("audit remote accepts pushes again", metadata: ["remote": "\(remote.name)", "incident": "\(incident)"])
        do {
            _ = try await store.apply(.noteAdded("audit remote \(remote.name) accepts pushes again: it has our history up to \(head.short)"),
                                      to: incident, actor: Self.actor)
        } catch {
            logger.warning("cannot note the audit remote's recovery on its incident", metadata: ["incident": "\(incident)", "error": "\(error)"])
        }
    }

    /// Opens (or repeats) the incident that says `remote` refused our history; nil when it could not be opened.
    private func raiseAlert(for remote: AuditRemote, reason: String) async -> IncidentNumber? {
        var request = IncidentRequest(
            shortDescription: "Audit remote \(remote.name) refused our audit history: its branch was rewritten, or another server writes it",
            description: "Pushing the audit branch to \(remote.displayURL) was refused as not a fast-forward (\(reason)): the remote's "
                + "branch holds commits ours does not. Nothing was forced. Compare the two with `runbook audit verify --remote \(remote.name)` "
                + "and see docs/audit.md.",
            severity: "critical",
            labels: ["alertname": "AuditRemoteRejected", "remote": remote.name],
            alert: AlertKey(source: Self.actor, key: remote.name))
        request.annotations = ["summary": "audit remote \(remote.name) refused a fast-forward push"]
        do {
            return try await store.open(request, actor: Self.actor).0.number
        } catch {
            logger.error("cannot open the incident for a refused audit push", metadata: ["remote": "\(remote.name)", "error": "\(error)"])
            return nil
        }
    }
}
