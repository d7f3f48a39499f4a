import Executor
import Foundation
import Glibc
import Testing

/// A step is a real process: its exit status, signal, output order, times and directory are what it did.
@Suite(.timeLimit(.minutes(1)))
struct StepProcessTests {
    @Test func anExitStatusIsAResultNotAnError() async throws {
        let sandbox = try StepSandbox()
        let success = try await StepProcess.run(sandbox.shell("echo fine"))
        #expect(success.termination == .exited(0))
        #expect(success.succeeded)
        #expect(texts(of: success.log) == ["fine"])
        #expect(success.processID > 0)

        let failure = try await StepProcess.run(sandbox.shell("echo failing; exit 3"))
        #expect(failure.termination == .exited(3))
        #expect(!failure.succeeded)
        #expect(failure.termination.description == "exit status 3")
    }

    @Test func aStepKilledByASignalReportsTheSignal() async throws {
        let sandbox = try StepSandbox()
        let terminated = try await StepProcess.run(sandbox.shell("kill -TERM $$"))
        #expect(terminated.termination == .signaled(15))
        #expect(terminated.termination.description == "killed by signal 15 (SIGTERM)")
        let killed = try await StepProcess.run(sandbox.shell("kill -KILL $$"))
        #expect(killed.termination == .signaled(9))
    }

    @Test func stdoutAndStderrKeepTheirOrder() async throws {
        let sandbox = try StepSandbox()
        let outcome = try await StepProcess.run(sandbox.shell("for i in 1 2 3 4 5 6 7 8 9 10; do echo out$i; echo err$i >&2; done"))
        #expect(texts(of: outcome.log) == (1...10).flatMap { ["out\($0)", "err\($0)"] })
        let expectedBytes: Int = texts(of: outcome.log).map { $0.utf8.count + 1 }.reduce(0, +)
        #expect(outcome.outputBytes == expectedBytes)
    }

    @Test func everyLineCarriesTheTimeSinceTheStart() async throws {
        let sandbox = try StepSandbox()
        let outcome = try await StepProcess.run(sandbox.shell("echo first; sleep 0.3; echo second"))
        let lines = lines(of: outcome.log)
        try #require(lines.count == 2)
        let prefix = try Regex(#"^\[ {0,3}\d+\.\d{3}s\] "#)
        for line in lines { #expect(line.prefixMatch(of: prefix) != nil, "\(line)") }
        let first = try #require(seconds(of: lines[0]))
        let second = try #require(seconds(of: lines[1]))
        #expect(first < 0.3)
        #expect(second >= 0.3 && second < 5)
        #expect(outcome.duration >= .milliseconds(300))
        #expect(abs(outcome.startedAt.timeIntervalSinceNow) < 30)
    }

    @Test func theStepRunsInItsWorkingDirectory() async throws {
        let sandbox = try StepSandbox()
        let outcome = try await StepProcess.run(sandbox.shell("pwd -P; echo here > created-here"))
        let realPath = try #require(realpath(sandbox.path, nil))
        defer { free(realPath) }
        #expect(texts(of: outcome.log) == [String(cString: realPath)])
        #expect(sandbox.exists("created-here"))
    }

    @Test func aMissingInterpreterIsALaunchError() async throws {
        let sandbox = try StepSandbox()
        let command = StepCommand(executable: "/nonexistent/python3", arguments: [], environment: [:], workingDirectory: sandbox.path)
        let error = await #expect(throws: StepLaunchError.self) { try await StepProcess.run(command) }
        #expect(error?.description == "cannot run /nonexistent/python3: No such file or directory")
        #expect(error?.errorNumber == ENOENT)
        #expect(error?.call == "posix_spawn")
    }

    @Test func aFileThatIsNotExecutableIsALaunchError() async throws {
        let sandbox = try StepSandbox()
        var command = try sandbox.shell("true")
        command.executable = command.arguments[0]
        let error = await #expect(throws: StepLaunchError.self) { try await StepProcess.run(command) }
        #expect(error?.errorNumber == EACCES)
    }

    @Test func aMissingWorkingDirectoryIsALaunchError() async throws {
        let sandbox = try StepSandbox()
        var command = try sandbox.shell("touch \(sandbox.path)/ran")
        command.workingDirectory = sandbox.path + "/missing"
        let error = await #expect(throws: StepLaunchError.self) { try await StepProcess.run(command) }
        #expect(error?.description == "cannot run /bin/sh: working directory \(sandbox.path)/missing: No such file or directory")
        #expect(!sandbox.exists("ran"))
    }

    @Test func aRelativeExecutableIsRefused() async throws {
        let sandbox = try StepSandbox()
        let command = StepCommand(executable: "sh", arguments: ["-c", "true"], environment: [:], workingDirectory: sandbox.path)
        await #expect(throws: StepLaunchError.self) { try await StepProcess.run(command) }
    }
}
