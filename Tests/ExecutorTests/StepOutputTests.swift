import Executor
import Foundation
import Testing

/// A step's output becomes its log: every line kept up to the cap, undecodable bytes and long lines handled,
/// the rest counted and dropped with a marker.
@Suite(.timeLimit(.minutes(1)))
struct StepOutputTests {
    @Test func outputPastTheCapIsCountedAndDropped() async throws {
        let sandbox = try StepSandbox()
        let heard = HeardLines()
        // 3 MiB in lines of 16 bytes ("0123456789abcde\n"), so the 1 MiB cap falls on a line's end.
        let outcome = try await StepProcess.run(sandbox.shell("yes 0123456789abcde | head -c 3145728"),
                                                limits: StepLimits(outputCap: 1 << 20), onLine: heard.hear)
        #expect(outcome.termination == .exited(0))
        #expect(outcome.outputBytes == 3 << 20)
        #expect(outcome.droppedBytes == 2 << 20)
        let texts = texts(of: outcome.log)
        #expect(texts.count == (1 << 20) / 16 + 1)
        #expect(texts.dropLast().allSatisfy { $0 == "0123456789abcde" })
        #expect(texts.last == "[runbook] output truncated: 2097152 more bytes dropped (cap 1048576)")
        #expect(heard.texts.count == texts.count)
        #expect(heard.texts.last?.hasSuffix("[runbook] output truncated: 2097152 more bytes dropped (cap 1048576)") == true)
    }

    @Test func aCapThatCutsALineKeepsItsStart() async throws {
        let sandbox = try StepSandbox()
        let outcome = try await StepProcess.run(sandbox.shell("echo abcdefghij; echo klmnopqrst"), limits: StepLimits(outputCap: 15))
        #expect(texts(of: outcome.log) == ["abcdefghij", "klmn", "[runbook] output truncated: 7 more bytes dropped (cap 15)"])
        #expect(outcome.droppedBytes == 7)
    }

    @Test func outputThatFitsHasNoMarker() async throws {
        let sandbox = try StepSandbox()
        let outcome = try await StepProcess.run(sandbox.shell("printf 'exactly\\n'"), limits: StepLimits(outputCap: 8))
        #expect(texts(of: outcome.log) == ["exactly"])
        #expect(outcome.droppedBytes == 0)
    }

    @Test func aLastLineWithoutANewlineIsKept() async throws {
        let sandbox = try StepSandbox()
        let outcome = try await StepProcess.run(sandbox.shell("printf 'one\\r\\n\\ntwo'"))
        #expect(texts(of: outcome.log) == ["one", "", "two"])
        #expect(outcome.log.hasSuffix("two\n"))
        #expect(outcome.outputBytes == 9)
    }

    @Test func bytesThatAreNotUTF8AreReplaced() async throws {
        let sandbox = try StepSandbox()
        let outcome = try await StepProcess.run(sandbox.shell("printf 'bad \\377\\376 bytes\\n'"))
        #expect(texts(of: outcome.log) == ["bad \u{FFFD}\u{FFFD} bytes"])
    }

    @Test func aVeryLongLineIsSplitBetweenCharacters() async throws {
        let sandbox = try StepSandbox()
        // 250,000 bytes of two- and three-byte characters, no newline: split near 64 KiB without cutting one.
        let outcome = try await StepProcess.run(sandbox.shell("awk 'BEGIN { for (i = 0; i < 50000; i++) printf \"é€\" }'"))
        let texts = texts(of: outcome.log)
        #expect(texts.count == 4)
        #expect(texts.allSatisfy { $0.utf8.count <= 64 * 1024 })
        #expect(texts.joined() == String(repeating: "é€", count: 50000))
    }

    @Test func linesAreHeardAsTheyAreWritten() async throws {
        let sandbox = try StepSandbox()
        let heard = HeardLines()
        let outcome = try await StepProcess.run(sandbox.shell("echo first; sleep 0.5; echo second"), onLine: heard.hear)
        let end = ContinuousClock.now
        let all = heard.all
        try #require(all.count == 2)
        #expect(end - all[0].at >= .milliseconds(400), "the first line came only at the end")
        #expect(all.map(\.text) == lines(of: outcome.log))
    }
}
