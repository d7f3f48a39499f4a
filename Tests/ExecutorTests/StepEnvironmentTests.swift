import Executor
import Foundation
import Glibc
import Testing

/// Values from alerts reach a step byte for byte and never as command text; the step gets exactly the
/// environment it is given and a clean signal state.
@Suite(.timeLimit(.minutes(1)))
struct StepEnvironmentTests {
    /// Values that would run `touch canary` if they ever became shell text, and values that are merely awkward.
    static func nastyValues(canary: String) -> [String] {
        let hundredKilobytes = String(String(repeating: "a`b'c\"d$e\\f;g|h&i\n$(touch \(canary))\t", count: 2_000).prefix(100_000))
        return [
            "$(touch \(canary))", "`touch \(canary)`", "; touch \(canary)", "; reboot", "&& touch \(canary) ||", "| touch \(canary)",
            "'; touch \(canary); '", "\"; touch \(canary); \"", "line one\nline two\n", "\n", "  spaces around  ", "*", "-n",
            "$HOME ${PATH} $$ $1", "\\n \\\\ \\", "Grüße, 世界 👩‍🚒 \u{202E}reversed", "", hundredKilobytes,
        ]
    }

    @Test func environmentValuesArriveByteExact() async throws {
        let sandbox = try StepSandbox()
        let canary = "/tmp/pwned-\(UUID().uuidString)"
        let values = Self.nastyValues(canary: canary)
        #expect(values.last!.utf8.count == 100_000)
        var environment: [String: String] = [:]
        var script = ""
        for (index, value) in values.enumerated() {
            environment["VALUE_\(index)"] = value
            script += "printf '%s' \"$VALUE_\(index)\" > value-\(index)\n"
        }
        let outcome = try await StepProcess.run(sandbox.shell(script, environment: environment))
        #expect(outcome.termination == .exited(0), "\(outcome.log)")
        for (index, value) in values.enumerated() {
            #expect(try sandbox.contents(of: "value-\(index)") == Data(value.utf8), "value \(index): \(value.prefix(40).debugDescription)")
        }
        #expect(!FileManager.default.fileExists(atPath: canary))
    }

    @Test func argumentsArriveByteExact() async throws {
        let sandbox = try StepSandbox()
        let canary = "/tmp/pwned-\(UUID().uuidString)"
        let values = Self.nastyValues(canary: canary)
        let script = "i=0\nfor a in \"$@\"; do printf '%s' \"$a\" > argument-$i; i=$((i + 1)); done\n"
        let outcome = try await StepProcess.run(sandbox.shell(script, arguments: values))
        #expect(outcome.termination == .exited(0), "\(outcome.log)")
        for (index, value) in values.enumerated() {
            #expect(try sandbox.contents(of: "argument-\(index)") == Data(value.utf8), "argument \(index)")
        }
        #expect(!FileManager.default.fileExists(atPath: canary))
    }

    @Test func theStepGetsExactlyItsEnvironment() async throws {
        let sandbox = try StepSandbox()
        let leak = "RUNBOOK_TEST_LEAK_\(UUID().uuidString.replacingOccurrences(of: "-", with: "_"))"
        setenv(leak, "leaked", 1)
        defer { unsetenv(leak) }
        let command = StepCommand(executable: "/usr/bin/env", arguments: [], environment: ["ONLY": "this", "RUNBOOK_STEP": "2"],
                                  workingDirectory: sandbox.path)
        let outcome = try await StepProcess.run(command)
        #expect(texts(of: outcome.log).sorted() == ["ONLY=this", "RUNBOOK_STEP=2"])
    }

    @Test func aValueWithANULByteIsRefusedAndNothingRuns() async throws {
        let sandbox = try StepSandbox()
        let command = try sandbox.shell("touch ran", environment: ["LABEL": "before\0after"])
        let error = await #expect(throws: StepLaunchError.self) { try await StepProcess.run(command) }
        #expect(error?.reason == "the value of environment variable LABEL contains a NUL byte, which a process environment cannot carry")
        #expect(!sandbox.exists("ran"))
    }

    @Test func aValueTooLongForLinuxIsRefusedClearly() async throws {
        let sandbox = try StepSandbox()
        let command = try sandbox.shell("touch ran", environment: ["HUGE": String(repeating: "x", count: 1 << 20)])
        let error = await #expect(throws: StepLaunchError.self) { try await StepProcess.run(command) }
        #expect(error?.reason == "environment variable HUGE is 1048576 bytes long; Linux allows at most 131066 for it")
        #expect(!sandbox.exists("ran"))
    }

    /// Each entry fits, but together they pass what Linux takes for one exec (a quarter of the stack limit).
    @Test func anEnvironmentTooLargeAltogetherIsRefusedClearly() async throws {
        let sandbox = try StepSandbox()
        var environment: [String: String] = [:]
        for index in 0..<100 { environment["LARGE_\(index)"] = String(repeating: "x", count: 100_000) }
        let command = try sandbox.shell("touch ran", environment: environment)
        let error = await #expect(throws: StepLaunchError.self) { try await StepProcess.run(command) }
        #expect(error?.errorNumber == E2BIG)
        #expect(error?.reason == "its arguments and environment are too large for one process (E2BIG)")
        #expect(!sandbox.exists("ran"))
    }

    @Test func aNameWithAnEqualsSignIsRefused() async throws {
        let sandbox = try StepSandbox()
        let command = try sandbox.shell("true", environment: ["A=B": "c"])
        await #expect(throws: StepLaunchError.self) { try await StepProcess.run(command) }
    }

    /// A server ignores SIGPIPE; a step must not, or `yes | head -1` never ends properly.
    ///
    /// glibc's posix_spawn leaves its two internal signals (32 and 33, below SIGRTMIN) ignored in the child on
    /// purpose; nothing uses them after the exec, so they are allowed.
    @Test func signalsStartAtTheirDefaults() async throws {
        let sandbox = try StepSandbox()
        signal(SIGPIPE, SIG_IGN)
        let command = StepCommand(executable: "/bin/grep", arguments: ["-E", "^Sig(Blk|Ign):", "/proc/self/status"], environment: [:],
                                  workingDirectory: sandbox.path)
        let outcome = try await StepProcess.run(command)
        let masks = texts(of: outcome.log)
        try #require(masks.count == 2)
        #expect(masks[0] == "SigBlk:\t0000000000000000")
        let ignored = try #require(UInt64(masks[1].dropFirst("SigIgn:\t".count), radix: 16))
        let glibcInternal: UInt64 = 1 << (32 - 1) | 1 << (33 - 1)
        #expect(ignored & ~glibcInternal == 0, "\(masks[1])")
    }
}
