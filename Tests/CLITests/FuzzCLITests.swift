import Foundation
import Testing

/// `bench/fuzz.py` against a real `runbook serve`: malformed requests across every endpoint, HTTP framing errors
/// and bodies over the limit among them, and not one 5xx; the server still answers, and its memory and sockets come
/// back near where they were. 3,000 here, beside the other suites on two cores; the full 10,000 (`bench/fuzz.py`'s
/// default) are in docs/benchmarks.md.
@Suite(.timeLimit(.minutes(3)))
struct FuzzCLITests {
    @Test func malformedRequestsGetNo5xx() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.wiki(runbooks: [:])
        let server = try cli.serve()
        defer { server.stop() }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../bench/fuzz.py").standardized
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--url", server.url, "--token", server.token, "--count", "3000", "--seed", "11",
                             "--pid", String(server.running.process.processIdentifier)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        // The fuzzer runs for tens of seconds: its output is read on a thread of its own and its end awaited, so this
        // test does not hold one of the two cooperative threads the other suites' async tests need meanwhile.
        async let data = withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: output.fileHandleForReading.readDataToEndOfFile()) }
        }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let text = String(decoding: await data, as: UTF8.self)
        #expect(status == 0, "\(text)")
        #expect(text.contains("3000 requests"), "\(text)")
    }
}
