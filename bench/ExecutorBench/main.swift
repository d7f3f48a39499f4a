// Drives the executor on a temporary wiki for bench/executor.sh.
//
// Usage:
//   ExecutorBench steps DIR [--steps N]              one run of a runbook of N `true` steps (default 200), end to end
//   ExecutorBench scripts DIR [--steps N]            writes the same N step scripts to DIR (for the peer), prints the interpreter
//   ExecutorBench latency DIR [--count N] [--workers W]
//                                                    N triggers (default 1,000), each with a distinct label set: time from
//                                                    the call to `trigger` to the first step's start
//
// DIR must not exist; the wiki repository (its audit branch too) and the runs' work directories go there.
// Figures go to stdout as `name value` pairs.
import Executor
import BenchSupport
import Foundation
import ITIL
import Runbooks
import Synchronization
import Wiki

/// What the command line asked for.
struct Invocation {
    var mode: String
    var directory: String
    var steps = 200
    var count = 1000
    var workers = 4

    static let usage = """
        usage: ExecutorBench steps DIR [--steps N]
               ExecutorBench scripts DIR [--steps N]
               ExecutorBench latency DIR [--count N] [--workers W]

        """

    init(_ arguments: [String]) throws {
        guard let mode = arguments.first else { throw UsageError("no mode") }
        self.mode = mode
        var rest = arguments.dropFirst()
        guard let directory = rest.popFirst(), !directory.hasPrefix("--") else { throw UsageError("\(mode) needs DIR") }
        self.directory = directory
        while let flag = rest.popFirst() {
            guard let text = rest.popFirst(), let value = Int(text), value > 0 else {
                throw UsageError("\(flag) needs a positive number")
            }
            switch flag {
            case "--steps": steps = value
            case "--count": count = value
            case "--workers": workers = value
            default: throw UsageError("unknown option \(flag)")
            }
        }
    }
}

// MARK: - The wiki

/// A runbook of `count` `sh` steps, each running `true`, with ids s001, s002 ...
func stepsRunbook(count: Int) -> String {
    var text = """
        ---
        title: Bench - \(count) true steps
        match:
          - alertname="BenchSteps"
        resolve: auto
        ---

        # Bench - \(count) true steps

        Every step runs `true`.


        """
    for index in 1...count {
        text += "```sh {id=s\(String(format: "%03d", index))}\ntrue\n```\n\n"
    }
    return text
}

/// A one-step runbook matching `alertname="Bench"` whatever the other labels are.
let latencyRunbook = """
    ---
    title: Bench - trigger latency
    match:
      - alertname="Bench"
    resolve: auto
    ---

    # Bench - trigger latency

    ```sh {id=only}
    true
    ```

    """

/// A bare wiki repository at `path` whose `main` has `runbooks/bench.md`, the library read at that commit, and the runbook.
func makeWiki(at path: String, runbook text: String) throws -> (Repository, RunbookLibrary, Runbook) {
    guard !FileManager.default.fileExists(atPath: path) else { throw UsageError("\(path) exists; give a new directory") }
    let repository = try Repository.create(at: path, bare: true)
    let commit = try repository.commit(
        changes: [.write(path: "runbooks/bench.md", contents: Data(text.utf8))], to: "main", expectedParent: nil,
        author: Signature(name: "bench", email: "bench@localhost"), message: "Bench runbook")
    let library = try RunbookLibrary.load(from: repository, at: commit)
    guard let runbook = library.runbook("bench") else {
        throw UsageError("the bench runbook does not load: \(library.diagnostics)")
    }
    return (repository, library, runbook)
}

/// The executor on `repository`'s audit branch, with run work directories under `directory`; its commits are signed
/// and anchored in a data directory there, and its events acknowledged once in the intake journal, as the server's are.
func makeExecutor(_ repository: Repository, directory: String, workers: Int) throws -> RunLauncher {
    let data = directory + "/data"
    let key = try SSHSigningKey.loadOrCreate(at: SSHSigningKey.path(inDataDirectory: data), comment: "bench").key
    let store = try IncidentStore(auditLog: AuditLog(
        repository: repository, signer: key, anchor: AuditAnchor(dataDirectory: data, repository: repository, branch: "audit"),
        grouping: AuditBatch.commits(for:)), journaling: ProcessInfo.processInfo.environment["JOURNAL"] != "0")
    let settings = ExecutorSettings(
        workRoot: directory + "/runs", stateDirectory: repository.gitDirectory, workers: workers)
    return RunLauncher(store: store, settings: settings)
}

/// When progress events happened, as the progress callback saw them.
final class Timeline: Sendable {
    private struct State {
        var firstStepStarted: ContinuousClock.Instant?
        var lastStepEnded: ContinuousClock.Instant?
        var stepsStarted = 0
        var stepsEnded = 0
    }

    private let state = Mutex(State())

    func record(_ event: RunProgress) {
        let now = ContinuousClock.now
        state.withLock { state in
            switch event {
            case .stepStarted:
                if state.firstStepStarted == nil { state.firstStepStarted = now }
                state.stepsStarted += 1
            case .stepEnded:
                state.lastStepEnded = now
                state.stepsEnded += 1
            default:
                break
            }
        }
    }

    func reset() {
        state.withLock { $0 = State() }
    }

    var firstStepStarted: ContinuousClock.Instant? { state.withLock { $0.firstStepStarted } }
    var lastStepEnded: ContinuousClock.Instant? { state.withLock { $0.lastStepEnded } }
    var stepsStarted: Int { state.withLock { $0.stepsStarted } }
    var stepsEnded: Int { state.withLock { $0.stepsEnded } }
}

// MARK: - Modes

/// `steps`: one run of N `true` steps through `RunLauncher.run`, from the call until it returns (every audit commit durable).
func steps(_ invocation: Invocation) async throws {
    let directory = invocation.directory
    let (repository, library, runbook) = try makeWiki(at: directory + "/wiki.git", runbook: stepsRunbook(count: invocation.steps))
    let executor = try makeExecutor(repository, directory: directory, workers: invocation.workers)
    let store = executor.store
    let (incident, _) = try await store.open(
        IncidentRequest(shortDescription: "Bench: \(invocation.steps) steps", labels: ["alertname": "BenchSteps"]), actor: "bench")
    await store.drainJournal()
    let before = try store.auditLog.head()

    let timeline = Timeline()
    let clock = ContinuousClock()
    let start = clock.now
    let run = try await executor.run(
        runbook, at: library.commit, for: incident.number, labels: ["alertname": "BenchSteps"], annotations: [:], actor: "bench",
        progress: { timeline.record($0) })
    let end = clock.now
    // Acknowledged means journaled: the run's last events reach the branch with the next commit cycle.
    await store.drainJournal()

    guard run.state == .succeeded, run.steps.count == invocation.steps, run.steps.allSatisfy({ $0.state == .succeeded }) else {
        throw UsageError("the run did not succeed: \(run.state.rawValue) \(run.outcome ?? "")")
    }
    guard let head = try store.auditLog.head(), let first = timeline.firstStepStarted, let last = timeline.lastStepEnded else {
        throw UsageError("no audit commits or no step events")
    }
    let commits = try store.auditLog.commits(after: before, upTo: head).count
    let total = seconds(end - start)
    let processSeconds = run.steps.compactMap(\.durationSeconds).reduce(0, +)
    let resolved = try await store.incident(incident.number).state
    report("steps_seconds \(format(total, 4)) steps \(invocation.steps) per_step_ms \(format(total * 1000 / Double(invocation.steps)))"
        + " before_first_step_ms \(format(seconds(first - start) * 1000, 2))"
        + " steps_span_seconds \(format(seconds(last - first), 4))"
        + " after_last_step_ms \(format(seconds(end - last) * 1000, 2))"
        + " step_process_seconds \(format(processSeconds, 4))"
        + " audit_commits \(commits) incident_state \(resolved.rawValue)"
        + " self_cpu_seconds \(format(selfCPUSeconds(), 4))")
}

/// CPU time of this process's own threads (not its step processes): what the executor and its
/// audit writer cost, which a busy machine inflates far less than wall time.
func selfCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// `scripts`: the step scripts the executor writes for the same runbook, one file per step, for the peer; prints the
/// interpreter the executor runs them with.
func scripts(_ invocation: Invocation) throws {
    let directory = invocation.directory
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("executor-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let (_, _, runbook) = try makeWiki(at: scratch, runbook: stepsRunbook(count: invocation.steps))
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for (index, step) in runbook.steps.enumerated() {
        let name = String(format: "%03d-%@.script", index + 1, step.id)
        try Data(step.code.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
    }
    guard let language = runbook.steps.first?.language, let interpreter = Interpreter.path(for: language) else {
        throw UsageError("no interpreter for the bench steps")
    }
    report(interpreter)
}

/// `latency`: N triggers, one after the other, each opening a new incident (distinct `instance` label) and running
/// the one-step runbook; the time from the call to `trigger` to the step's start.
func latency(_ invocation: Invocation) async throws {
    let directory = invocation.directory
    let (repository, library, _) = try makeWiki(at: directory + "/wiki.git", runbook: latencyRunbook)
    let executor = try makeExecutor(repository, directory: directory, workers: invocation.workers)
    let timeline = Timeline()
    let clock = ContinuousClock()
    var toFirstStep: [Double] = []
    var toReturn: [Double] = []
    toFirstStep.reserveCapacity(invocation.count)
    toReturn.reserveCapacity(invocation.count)
    let overall = clock.now
    for index in 0..<invocation.count {
        timeline.reset()
        let alert = AlertTrigger(labels: ["alertname": "Bench", "instance": "host-\(index).example.net:9100", "severity": "warning"])
        let start = clock.now
        let result = try await executor.trigger(alert, library: library, actor: "bench", progress: { timeline.record($0) })
        let end = clock.now
        guard case .ran(_, let run) = result, run.state == .succeeded else {
            throw UsageError("trigger \(index) did not run the runbook to success: \(result)")
        }
        guard let first = timeline.firstStepStarted else { throw UsageError("trigger \(index): no step started") }
        toFirstStep.append(seconds(first - start))
        toReturn.append(seconds(end - start))
        if (index + 1) % 100 == 0 {
            // The latest hundred, and how many packs the audit branch's objects are in: each batch writes one.
            let window = toFirstStep.suffix(100).sorted()
            let packs = (try? FileManager.default.contentsOfDirectory(atPath: repository.gitDirectory + "/objects/pack"))?
                .filter { $0.hasSuffix(".pack") }.count ?? 0
            note("latency: \(index + 1) triggers, \(format(seconds(clock.now - overall), 1)) s; last 100: first step p50 "
                + "\(format(percentile(window, 0.5) * 1000, 1)) ms, p99 \(format(percentile(window, 0.99) * 1000, 1)) ms; \(packs) packs")
        }
    }
    let total = seconds(clock.now - overall)
    toFirstStep.sort()
    toReturn.sort()
    let incidents = await executor.store.incidents().count
    let ms = { (value: Double) in format(value * 1000, 2) }
    report("triggers \(invocation.count) seconds \(format(total)) incidents \(incidents)"
        + " first_step_ms_p50 \(ms(percentile(toFirstStep, 0.5))) first_step_ms_p99 \(ms(percentile(toFirstStep, 0.99)))"
        + " first_step_ms_max \(ms(toFirstStep.last ?? 0))"
        + " trigger_ms_p50 \(ms(percentile(toReturn, 0.5))) trigger_ms_p99 \(ms(percentile(toReturn, 0.99)))")
}

do {
    let invocation = try Invocation(Array(CommandLine.arguments.dropFirst()))
    switch invocation.mode {
    case "steps": try await steps(invocation)
    case "scripts": try scripts(invocation)
    case "latency": try await latency(invocation)
    case "sign": try signing(invocation)
    default: throw UsageError("unknown mode \(invocation.mode)")
    }
} catch let error as UsageError {
    FileHandle.standardError.write(Data("ExecutorBench: \(error)\n\(Invocation.usage)".utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("ExecutorBench: \(error)\n".utf8))
    exit(1)
}

/// What signing and anchoring cost one audit commit: `count` signatures of a commit of a typical size, and as many
/// anchor records, each timed as a whole.
func signing(_ invocation: Invocation) throws {
    let count = invocation.count
    let key = SSHSigningKey(comment: "bench")
    let commit = Array(repeating: UInt8(ascii: "x"), count: 700)
    let clock = ContinuousClock()
    let signed = try clock.measure {
        for _ in 0..<count { _ = try commit.withUnsafeBytes { try key.signCommit($0) } }
    }
    let repository = try Repository.create(at: invocation.directory + "/anchor.git", bare: true)
    let anchor = AuditAnchor(dataDirectory: invocation.directory + "/data", repository: repository, branch: "audit")
    let id = ObjectID(hex: String(repeating: "a", count: 40))!
    let anchored = try clock.measure {
        for _ in 0..<count { try anchor.record(id, as: .written) }
    }
    let micros = { (duration: Duration) in Double(duration.components.attoseconds) / 1e12 / Double(count) + Double(duration.components.seconds) * 1e6 / Double(count) }
    print(String(format: "sign_us %.1f anchor_us %.1f count %d", micros(signed), micros(anchored), count))
}
