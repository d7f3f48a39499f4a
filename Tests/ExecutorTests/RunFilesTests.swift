import Foundation
import ITIL
import Testing
@testable import Executor

/// Times in run records and decisions: milliseconds, like incident records, and old whole-second files still read.
@Suite struct RunFilesTests {
    @Test func timesAreWrittenToTheMillisecondAndOldWholeSecondsStillRead() throws {
        let at = Date(timeIntervalSince1970: 1_777_636_800.123)
        let written = try RunFiles.encoder.encode(Decision(verdict: .approve, by: "bob", at: at))
        #expect(String(decoding: written, as: UTF8.self).contains("\"2026-05-01T12:00:00.123Z\""))
        #expect(abs(try RunFiles.decoder.decode(Decision.self, from: written).at.timeIntervalSince(at)) < 0.0005)
        let old = Data(#"{"verdict": "approve", "by": "bob", "at": "2026-05-01T12:00:00Z"}"#.utf8)
        #expect(try RunFiles.decoder.decode(Decision.self, from: old).at == Date(timeIntervalSince1970: 1_777_636_800))
    }
}
