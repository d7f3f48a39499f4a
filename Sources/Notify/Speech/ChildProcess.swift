import Foundation

/// Runs a program with an argv (never a shell), bytes on its standard input and a time limit.
///
/// Foundation's `Process` spawns the child and reports its exit on a thread of its own, so waiting costs the
/// cooperative pool nothing. A child that outlives its time gets SIGTERM, then SIGKILL two seconds later.
struct ChildProcess: Sendable {
    /// How a run ended; a non-zero exit is a result, not an error.
    struct Termination: Sendable {
        var status: Int32
        var timedOut: Bool
        /// The first 4 KiB of standard error, for the failure's detail.
        var standardError: String
    }

    var executable: String
    var arguments: [String]

    /// Runs the program to its end or its timeout.
    ///
    /// - Throws: `SpeechError.programNotFound` if the executable cannot be found or started.
    func run(input: Data, timeout: Duration) async throws -> Termination {
        guard let path = Self.resolve(executable) else { throw SpeechError.programNotFound(executable) }
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("notify-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        defer { try? errorHandle.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorHandle
        let inputPipe = Pipe()
        process.standardInput = inputPipe
        let exit = try await SpawnedProcess(process).run(writing: input, to: inputPipe, timeout: timeout)
        let errorText = (try? Data(contentsOf: errorFile)).map { String(decoding: $0.prefix(4096), as: UTF8.self) } ?? ""
        return Termination(status: exit.status, timedOut: exit.timedOut, standardError: errorText)
    }

    /// The executable's path: as given if it contains a slash, otherwise looked up on `PATH`.
    static func resolve(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A started `Process` shared between the task that waits for it and the task that enforces its timeout.
///
/// `@unchecked Sendable` because `Process` is not marked Sendable, yet the two calls made from other threads,
/// `terminate()` and `processIdentifier`, are safe to call once the process has started; `exited` is guarded by a lock.
private final class SpawnedProcess: @unchecked Sendable {
    private let process: Process
    private let lock = NSLock()
    private var exited = false

    init(_ process: Process) { self.process = process }

    func run(writing input: Data, to pipe: Pipe, timeout: Duration) async throws -> (status: Int32, timedOut: Bool) {
        let timedOut = TimeoutFlag()
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { [self] process in
                lock.withLock { exited = true }
                continuation.resume(returning: process.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: SpeechError.programNotFound("\(process.executableURL?.path ?? "?"): \(error)"))
                return
            }
            // Written on a queue so a large input never waits on the cooperative pool. The inputs here (a capped
            // announcement, or nothing) fit in the pipe's buffer, so a child that exits without reading cannot
            // leave a writer blocked.
            DispatchQueue.global().async {
                if !input.isEmpty { try? pipe.fileHandleForWriting.write(contentsOf: input) }
                try? pipe.fileHandleForWriting.close()
            }
            scheduleKill(after: timeout, flag: timedOut)
        }
        return (status, timedOut.isSet)
    }

    private func scheduleKill(after timeout: Duration, flag: TimeoutFlag) {
        let pid = process.processIdentifier
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            guard !lock.withLock({ exited }) else { return }
            flag.set()
            kill(pid, SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + 2) { [self] in
                if !lock.withLock({ exited }) { kill(pid, SIGKILL) }
            }
        }
    }
}

/// Set once when a child is killed for its timeout.
private final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
