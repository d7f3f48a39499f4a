import Foundation
import ITIL

/// How the executor runs things; the defaults suit a laptop.
public struct ExecutorSettings: Sendable {
    /// Where per-run work directories are made (removed when the run ends).
    public var workRoot: String
    /// Where lock files live (run owners, worker and concurrency slots), shared by every process
    /// using the same wiki: the wiki's git directory by default.
    public var stateDirectory: String
    /// How many runs execute steps at once across processes; more wait in the queue.
    public var workers: Int
    /// Bytes of a step's output kept; the rest is dropped with a marker.
    public var outputCap: Int
    /// Between SIGTERM and SIGKILL when a step times out or is canceled.
    public var gracePeriod: Duration
    /// This process, as recorded in the runs it owns.
    public var owner: String
    /// Whether canceling the task that runs a run (a server shutting down) ends it `interrupted`
    /// rather than `canceled` (Ctrl-C on `runbook trigger`, which someone chose to do).
    public var interruptOnTaskCancel = false
    /// The data directory (`RUNBOOK_HOME`): its `secrets/` give steps their secrets and hosts their keys, its `ssh/`
    /// holds the generated ssh configuration; `nil` refuses secrets and remote steps.
    public var dataDirectory: String?
    /// How long `ssh` may take to connect before the attempt fails as a connection failure.
    public var connectTimeout: Duration = .seconds(10)
    /// How long an idle connection to a host stays open for the next step.
    public var connectionPersist: Duration = .seconds(60)

    public init(workRoot: String, stateDirectory: String, workers: Int = 4, outputCap: Int = 1 << 20,
                gracePeriod: Duration = .seconds(5), owner: String = "\(ProcessInfo.processInfo.hostName):\(getpid())",
                dataDirectory: String? = nil) {
        // Absolute, because steps run with their work directory as the current directory.
        self.workRoot = URL(fileURLWithPath: workRoot).standardizedFileURL.path
        self.stateDirectory = URL(fileURLWithPath: stateDirectory).standardizedFileURL.path
        self.workers = workers
        self.outputCap = outputCap
        self.gracePeriod = gracePeriod
        self.owner = owner
        self.dataDirectory = dataDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }

    /// The secrets of the data directory, if there is one.
    public var secrets: SecretStore? {
        dataDirectory.map(SecretStore.init(dataDirectory:))
    }

    /// The lock a run's owner holds while it runs.
    func ownerLock(of run: RunID) -> String {
        stateDirectory + "/runbook-runs/\(run).lock"
    }

    /// The prefix of the global worker slots.
    var workerSlots: String {
        stateDirectory + "/runbook-runs/worker"
    }

    /// The prefix of a runbook's concurrency slots for one set of parameters.
    func concurrencySlots(runbook: String, parameters: [String: String]) -> String {
        let key = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{0}")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (runbook + "\u{0}" + key).utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return stateDirectory + "/runbook-runs/runbook-\(String(hash, radix: 16))"
    }
}
