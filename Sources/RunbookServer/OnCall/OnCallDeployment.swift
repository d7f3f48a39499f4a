import Executor
import Escalation
import Foundation
import ITIL
import Logging
import OnCall
import Runbooks
import Synchronization
import Wiki

/// The on-call configuration as of the wiki's last deployment, with the runbooks that choose an incident's policy.
///
/// A wiki commit deploys it like a runbook: the watcher hands every new library here, the files are read at its
/// commit, and the escalation engine and the silences follow. A file with errors is reported in the log and left
/// out; what parsed cleanly is used (``OnCallConfig/load(files:now:)``).
public final class OnCallDeployment: Sendable {
    private struct State {
        var config = OnCallConfig.empty
        var runbooks: [Runbook] = []
        var commit: ObjectID?
        var diagnostics: [Diagnostic] = []
    }
    private let state = Mutex(State())
    let silences: SilenceBook
    private let logger: Logger
    /// Called with the new roster after each deployment (the engine's `setRoster`).
    private let onDeploy: Mutex<(@Sendable (Roster) -> Void)?> = Mutex(nil)

    init(silences: SilenceBook, logger: Logger) {
        self.silences = silences
        self.logger = logger
    }

    /// The configuration now.
    public var config: OnCallConfig { state.withLock { $0.config } }
    /// The findings of the last deployment's files.
    public var diagnostics: [Diagnostic] { state.withLock { $0.diagnostics } }
    /// The wiki commit it was read at.
    public var commit: ObjectID? { state.withLock { $0.commit } }

    /// The roster the escalation engine follows: the policy by the matching runbook's `escalation:` or by priority. An
    /// incident a failed scheduled run opened follows its runbook's (known by the alert's source, which no sender sets).
    public var roster: Roster {
        let (config, runbooks) = state.withLock { ($0.config, $0.runbooks) }
        return Roster(config) { incident in
            if let scheduled = incident.alerts.first(where: { $0.alertKey.source == RunLauncher.scheduleActor })?.alertKey.key {
                return runbooks.first { $0.id == scheduled }?.escalation
            }
            return MatchDecision.chosen(labels: incident.labels, runbooks: runbooks)?.escalation
        }
    }

    func onDeploy(_ body: @escaping @Sendable (Roster) -> Void) {
        onDeploy.withLock { $0 = body }
        body(roster)
    }

    /// Reads the on-call files of the library's commit.
    func deploy(_ library: RunbookLibrary, from repository: Repository) {
        let files: [(path: String, text: String)]
        do {
            files = try OnCallConfig.files(in: repository, at: library.commit)
        } catch {
            logger.error("cannot read the on-call files; keeping the previous ones", metadata: ["error": "\(error)"])
            return
        }
        let (config, diagnostics) = OnCallConfig.load(files: files, now: Date())
        for finding in diagnostics + config.check(library.runbooks) {
            logger.log(level: finding.severity == .error ? .error : .warning, "on-call config: \(finding.description)")
        }
        state.withLock { $0 = State(config: config, runbooks: library.runbooks, commit: library.commit, diagnostics: diagnostics) }
        silences.deploy(config.silences)
        let deployed = roster
        onDeploy.withLock { $0 }?(deployed)
    }
}
