@testable import Executor
import Testing

/// The log format is fixed: times right-aligned to the millisecond, lines split at character boundaries.
struct StepLogTests {
    @Test func timesAreFixedWidth() {
        #expect(StepLog.prefix(.zero) == "[   0.000s] ")
        #expect(StepLog.prefix(.milliseconds(12)) == "[   0.012s] ")
        #expect(StepLog.prefix(.milliseconds(12_345)) == "[  12.345s] ")
        #expect(StepLog.prefix(.milliseconds(9_999_999)) == "[9999.999s] ")
        #expect(StepLog.prefix(.milliseconds(10_000_500)) == "[10000.500s] ")
        #expect(StepLog.prefix(.microseconds(1_999)) == "[   0.001s] ")
    }

    @Test func aSplitNeverCutsACharacter() {
        let euro: [UInt8] = Array("€".utf8)  // three bytes
        let bytes = Array(repeating: UInt8(ascii: "a"), count: 9) + euro + euro
        #expect(StepLog.characterBoundary(in: bytes, before: 9) == 9)
        #expect(StepLog.characterBoundary(in: bytes, before: 10) == 9)
        #expect(StepLog.characterBoundary(in: bytes, before: 11) == 9)
        #expect(StepLog.characterBoundary(in: bytes, before: 12) == 12)
    }

    @Test func outputIsCountedAcrossReads() {
        var log = StepLog(cap: 10, onLine: { _ in })
        for chunk in ["ab", "c\nde", "fghijkl\n", "mn"] {
            Array(chunk.utf8).withUnsafeBytes { log.append($0, at: .milliseconds(5)) }
        }
        log.finish(at: .seconds(1))
        #expect(log.outputBytes == 16)
        #expect(log.droppedBytes == 6)
        #expect(log.text == "[   0.005s] abc\n[   0.005s] defghi\n[   1.000s] [runbook] output truncated: 6 more bytes dropped (cap 10)\n")
    }
}
