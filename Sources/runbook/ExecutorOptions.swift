import ArgumentParser
import Executor
import Foundation
import ITIL
import Wiki

/// How runs execute: limits shared by `trigger` and the run commands.
struct ExecutorOptions: ParsableArguments {
    @Option(help: "How many runs execute at once across processes; more wait in the queue.")
    var workers = 4

    @Option(help: ArgumentHelp("Bytes of each step's output kept; the rest is dropped with a marker.", valueName: "bytes"))
    var outputCap = 1 << 20

    @Option(help: ArgumentHelp("Seconds between SIGTERM and SIGKILL when a step times out or is canceled.", valueName: "seconds"))
    var grace = 5.0

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard outputCap >= 1024 else { throw ValidationError("--output-cap must be at least 1024 bytes") }
        guard grace >= 0 else { throw ValidationError("--grace cannot be negative") }
    }

    /// The options as they are when none is given (for commands that do not take them).
    static var defaults: ExecutorOptions {
        // Parsing nothing cannot fail: every option has a default.
        (try? parse([])) ?? { preconditionFailure("the executor options have no defaults") }()
    }

    /// Settings for a store's repository: runs work under `$RUNBOOK_HOME/runs`, locks live in the git directory.
    func settings(for store: IncidentStore) -> ExecutorSettings {
        ExecutorSettings(
            workRoot: (DataDirectory.current.path as NSString).appendingPathComponent("runs"),
            stateDirectory: store.auditLog.repository.gitDirectory, workers: workers, outputCap: outputCap,
            gracePeriod: .milliseconds(Int64(grace * 1000)), dataDirectory: DataDirectory.current.path)
    }
}
