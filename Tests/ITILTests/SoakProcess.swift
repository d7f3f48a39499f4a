import Foundation
import ITIL

/// `IncidentBench soak` as a child process: it opens incidents on a repository until it is killed, printing each
/// incident's number on stdout once its open is acknowledged (durable).
final class SoakProcess: @unchecked Sendable {
    /// How the process ended and what it acknowledged before.
    struct Outcome {
        /// Every number printed, in order, including the lines still in the pipe when it died.
        var acknowledged: [IncidentNumber]
        /// Lines that were not incident numbers.
        var strayLines: [String]
        /// Whether it died of our SIGKILL rather than exiting by itself.
        var killed: Bool
        /// Its stderr, to explain an early exit.
        var errors: String
    }

    /// The `IncidentBench` executable built next to this test bundle (`swift build --build-tests` builds every
    /// executable of the package).
    static let executable: URL = {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = here.appendingPathComponent("IncidentBench")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        // xctest bundles on some platforms nest the binary a few folders down.
        return here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("IncidentBench")
    }()

    private let process = Process()
    private let output = Pipe()
    private let errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("soak-\(UUID().uuidString).log")

    /// Starts `IncidentBench soak repository` with `concurrency` writing tasks.
    init(repository: String, concurrency: Int) throws {
        process.executableURL = Self.executable
        process.arguments = ["soak", repository, "--concurrency", String(concurrency)]
        process.standardOutput = output
        // A file, not a pipe: nobody reads stderr while the child runs, and a full pipe would stall it.
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: errorLog)
    }

    /// Reads acknowledged numbers until at least `count` have come, lets the child run `delay` more, kills it with
    /// SIGKILL, and reads what it printed before dying.
    ///
    /// A child that has not acknowledged `count` opens by `deadline` is killed then, so a stuck child cannot hang the
    /// test; the outcome then has fewer numbers.
    func killAfter(acknowledging count: Int, delay: Duration, deadline: Duration) async -> Outcome {
        await withCheckedContinuation { continuation in
            // Reading blocks, so it runs off the cooperative pool.
            DispatchQueue.global().async {
                continuation.resume(returning: self.readAndKill(count: count, delay: delay))
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(deadline.components.seconds * 1_000_000_000))) {
                if self.process.isRunning { Foundation.kill(self.process.processIdentifier, SIGKILL) }
            }
        }
    }

    private func readAndKill(count: Int, delay: Duration) -> Outcome {
        var outcome = Outcome(acknowledged: [], strayLines: [], killed: false, errors: "")
        var pending = Data()
        var killSent = false
        while true {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // EOF: the child is gone
            pending += chunk
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending = Data(pending[(newline + 1)...])
                if let number = IncidentNumber(parsing: line) {
                    outcome.acknowledged.append(number)
                } else {
                    outcome.strayLines.append(line)
                }
            }
            if !killSent && outcome.acknowledged.count >= count {
                Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds))
                Foundation.kill(process.processIdentifier, SIGKILL)
                killSent = true
            }
        }
        if !pending.isEmpty { outcome.strayLines.append(String(decoding: pending, as: UTF8.self)) }
        process.waitUntilExit()
        outcome.killed = killSent && process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        outcome.errors = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
        return outcome
    }
}
