// Drives the incident store on a git repository for bench/incidents.sh and the kill -9 test.
// Every open goes through IncidentStore, so it is acknowledged only once its commit and the audit
// branch update are on disk.
//
// Usage:
//   IncidentBench rate REPO --count N [--concurrency C]      durable opens per second
//   IncidentBench history REPO --count N [--concurrency C]   builds history fast (large batches)
//   IncidentBench recover REPO                               times start-up (recovery from the branch)
//   IncidentBench soak REPO [--concurrency C]                opens forever, one acknowledged number a line
//   IncidentBench record                                     prints a typical new incident's record file
//
// REPO is created (bare) when it does not exist. Figures go to stdout as `name value` pairs.
import BenchSupport
import Foundation
import ITIL
import Wiki

/// What the command line asked for.
struct Invocation {
    var mode: String
    var repository: String?
    var count: Int?
    var concurrency: Int?

    static let usage = """
        usage: IncidentBench rate REPO --count N [--concurrency C]
               IncidentBench history REPO --count N [--concurrency C]
               IncidentBench recover REPO
               IncidentBench soak REPO [--concurrency C]
               IncidentBench record

        """

    init(_ arguments: [String]) throws {
        guard let mode = arguments.first else { throw UsageError("no mode") }
        self.mode = mode
        var rest = arguments.dropFirst()
        if mode != "record" {
            guard let repository = rest.popFirst(), !repository.hasPrefix("--") else { throw UsageError("\(mode) needs REPO") }
            self.repository = repository
        }
        while let flag = rest.popFirst() {
            guard let text = rest.popFirst(), let value = Int(text), value > 0 else {
                throw UsageError("\(flag) needs a positive number")
            }
            switch flag {
            case "--count": count = value
            case "--concurrency": concurrency = value
            default: throw UsageError("unknown option \(flag)")
            }
        }
    }
}

/// Opens the repository at `path`, creating a bare one when nothing is there.
func openRepository(_ path: String) throws -> Repository {
    FileManager.default.fileExists(atPath: path) ? try Repository.open(path) : try Repository.create(at: path, bare: true)
}

/// A store on `path`'s audit branch, and how long its start-up (recovery) took.
func openStore(_ path: String) throws -> (store: IncidentStore, seconds: Double) {
    let auditLog = try AuditLog(repository: openRepository(path))
    let clock = ContinuousClock()
    var store: IncidentStore!
    let elapsed = try clock.measure { store = try IncidentStore(auditLog: auditLog) }
    return (store, seconds(elapsed))
}

/// A request like an Alertmanager alert's; `key` must not be open already, or it adds an occurrence instead.
func request(_ index: Int, run: String) -> IncidentRequest {
    let host = "db-\(index % 97).prod.example.net"
    return IncidentRequest(
        shortDescription: "Disk almost full on \(host) (/var at 93%)",
        description: "Filesystem /var on \(host) has less than 7% space left and is predicted to fill within 4 hours.",
        service: "storage-cluster", severity: "critical",
        labels: ["alertname": "DiskAlmostFull", "instance": "\(host):9100", "mountpoint": "/var", "job": "node", "env": "prod"],
        alert: AlertKey(source: "alertmanager", key: "\(run)-\(index)"))
}

/// A prefix that keeps this process's alert keys apart from every earlier run's, whose incidents are still open.
func runIdentifier() -> String {
    "\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
}

/// Opens `count` incidents from `concurrency` tasks, each waiting for its open to be durable before the next.
///
/// - Returns: the acknowledgement latency of every open, in seconds.
func openMany(
    _ store: IncidentStore, count: Int, concurrency: Int, progress: (@Sendable (Int) -> Void)? = nil
) async throws -> [Double] {
    let run = runIdentifier()
    let done = Counter()
    return try await withThrowingTaskGroup(of: [Double].self) { group in
        for worker in 0..<min(concurrency, count) {
            group.addTask {
                var latencies: [Double] = []
                let clock = ContinuousClock()
                for index in stride(from: worker, to: count, by: concurrency) {
                    let start = clock.now
                    let (_, created) = try await store.open(request(index, run: run), actor: "bench")
                    latencies.append(seconds(clock.now - start))
                    guard created else { throw UsageError("alert \(run)-\(index) was deduplicated; keys must be fresh") }
                    if let progress { progress(done.increment()) }
                }
                return latencies
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
}

/// A thread-safe count.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}

/// `rate`: durable opens per second, and acknowledgement latencies.
func rate(_ invocation: Invocation) async throws {
    let count = invocation.count ?? 1000
    let concurrency = invocation.concurrency ?? 64
    let (store, recovery) = try openStore(invocation.repository!)
    let before = await store.incidents().count
    let clock = ContinuousClock()
    var latencies: [Double] = []
    let elapsed = try await clock.measure {
        latencies = try await openMany(store, count: count, concurrency: concurrency)
    }
    let total = seconds(elapsed)
    latencies.sort()
    report("opens_per_second \(format(Double(count) / total, 1)) opens \(count) seconds \(format(total)) concurrency \(concurrency) "
        + "history \(before) startup_seconds \(format(recovery)) "
        + "latency_ms_p50 \(format(percentile(latencies, 0.5) * 1000, 2)) latency_ms_p99 \(format(percentile(latencies, 0.99) * 1000, 2))")
}

/// `history`: opens `count` incidents in large batches, as fast as the store goes, printing progress on stderr.
func history(_ invocation: Invocation) async throws {
    let count = invocation.count ?? 100_000
    let concurrency = invocation.concurrency ?? 1000
    let (store, _) = try openStore(invocation.repository!)
    let clock = ContinuousClock()
    let start = clock.now
    _ = try await openMany(store, count: count, concurrency: concurrency) { done in
        if done % 10_000 == 0 {
            FileHandle.standardError.write(Data("history: \(done) opened, \(format(seconds(clock.now - start), 1)) s\n".utf8))
        }
    }
    let total = seconds(clock.now - start)
    report("history_seconds \(format(total)) opens \(count) opens_per_second \(format(Double(count) / total, 1)) concurrency \(concurrency) "
        + "incidents \(await store.incidents().count)")
}

/// `recover`: start-up time, rebuilding every incident from the audit branch.
func recover(_ invocation: Invocation) async throws {
    let (store, recovery) = try openStore(invocation.repository!)
    report("recovery_seconds \(format(recovery)) incidents \(await store.incidents().count)")
}

/// `soak`: opens incidents until killed, writing each number to stdout only once its open is acknowledged.
func soak(_ invocation: Invocation) async throws -> Never {
    let concurrency = invocation.concurrency ?? 4
    let (store, _) = try openStore(invocation.repository!)
    let run = runIdentifier()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                for index in stride(from: worker, to: Int.max, by: concurrency) {
                    let (incident, _) = try await store.open(request(index, run: run), actor: "soak")
                    // Unbuffered: a line is out of this process the moment the open is acknowledged.
                    report(incident.number.description)
                }
            }
        }
        try await group.waitForAll()
    }
    fatalError("soak workers never finish")
}

/// `record`: the record file of a typical new incident, opened by the store in a scratch repository, so that
/// the peer in bench/incidents.sh writes files of the same size.
func record() async throws {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("incident-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let (store, _) = try openStore(scratch)
    let (incident, _) = try await store.open(request(0, run: runIdentifier()), actor: "bench")
    FileHandle.standardOutput.write(Data(IncidentRecordFile.render(incident).utf8))
}

do {
    let invocation = try Invocation(Array(CommandLine.arguments.dropFirst()))
    switch invocation.mode {
    case "rate": try await rate(invocation)
    case "history": try await history(invocation)
    case "recover": try await recover(invocation)
    case "soak": try await soak(invocation)
    case "record": try await record()
    default: throw UsageError("unknown mode \(invocation.mode)")
    }
} catch let error as UsageError {
    FileHandle.standardError.write(Data("IncidentBench: \(error)\n\(Invocation.usage)".utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("IncidentBench: \(error)\n".utf8))
    exit(1)
}
