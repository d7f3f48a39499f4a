import Foundation
import Testing
import Runbooks

/// Not a real fuzzer: a fixed-seed sweep of random bytes and truncations that must never crash,
/// and whose diagnostics must always point at a line that exists.
@Suite struct FuzzTests {
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    func check(_ data: Data) {
        let result = RunbookParser.parse(data, path: "runbooks/fuzz.md")
        let lineCount = data.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
        #expect(result.diagnostics.allSatisfy { $0.line >= 1 && $0.line <= lineCount })
        #expect(result.hasErrors == (result.runbook == nil))
    }

    @Test func truncatedPrefixesOfAValidRunbook() {
        let bytes = Array(exampleRunbook.utf8)
        for length in 0...bytes.count {
            check(Data(bytes[..<length]))
        }
    }

    @Test func randomBytesAndMutations() {
        var generator = SeededGenerator(state: 42)
        let alphabet = Array("-`{}=\"'\\\n\r >#:[]*&sh abc\t".utf8) + [0, 0xFF, 0xC3]
        let valid = Array(exampleRunbook.utf8)
        for _ in 0..<300 {
            let random = (0..<Int.random(in: 0...200, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            check(Data(random))
            var mutated = valid
            for _ in 0..<4 {
                mutated[Int.random(in: 0..<mutated.count, using: &generator)] = alphabet.randomElement(using: &generator)!
            }
            check(Data(mutated))
        }
    }
}
