import Foundation

/// A receiver written in Python, started for one test: it prints its port on its first line and records what it
/// receives in `directory`.
///
/// Debian's `/usr/bin/python3` is preferred because it has aiosmtpd; the `python3` on `PATH` may not.
/// `@unchecked Sendable`: the `Process` is only started in `start` and only terminated in `stop`.
public final class ScriptServer: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    private let process: Process

    private init(port: Int, directory: URL, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// Starts `script` with `arguments` after the record directory, and waits for the port it prints.
    public static func start(script: String, arguments: [String] = []) async throws -> ScriptServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("notify-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let scriptFile = directory.appendingPathComponent("server.py")
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pythonPath)
        process.arguments = [scriptFile.path, directory.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let line = await firstLine(of: output.fileHandleForReading)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw ScriptServerError.noPort(line)
        }
        return ScriptServer(port: port, directory: directory, process: process)
    }

    /// Ends the receiver (SIGKILL: a handler may be sleeping on purpose) and removes its records.
    public func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    public static var pythonPath: String {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
    }

    /// Reads up to the first newline on a thread of its own, since `FileHandle` reads block.
    private static func firstLine(of handle: FileHandle) async -> String {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                while let chunk = try? handle.read(upToCount: 1), let byte = chunk.first, byte != UInt8(ascii: "\n") {
                    bytes.append(byte)
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
    }
}

public enum ScriptServerError: Error {
    case noPort(String)
}

/// A TCP port on loopback that nothing listens on: bound, then closed.
public func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
