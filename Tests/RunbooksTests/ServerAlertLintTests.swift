import Foundation
import Testing
import Runbooks

/// A runbook for an alert the server raises may only read the annotations that alert carries.
@Suite struct ServerAlertLintTests {
    private func warnings(_ frontMatter: String) -> [String] {
        RunbookParser.parse(Data(withFrontMatter(frontMatter).utf8), path: "runbooks/cpu.md").warnings.map(\.description)
    }

    @Test func readingAnAnnotationTheAnomalyAlertNeverCarriesIsAWarningAtItsLine() {
        let found = warnings("""
            match:
              - alertname="AnomalyDetected"
            params:
              SCORE: { from: annotations.score }
              VALUE: { from: annotations.value }
            """)
        #expect(found == ["runbooks/cpu.md:5: warning: parameter SCORE reads annotations.score, which AnomalyDetected alerts never carry "
            + "(they carry: anomaly_score, expected_lower, expected_upper, host, normal_since, "
            + "observed_at, summary, value, view)"], "\(found)")
    }

    @Test func otherAlertsMayCarryAnyAnnotation() {
        #expect(warnings("match:\n  - alertname=\"DiskFull\"\nparams:\n  SCORE: { from: annotations.score }").isEmpty)
        #expect(warnings("match:\n  - alertname=~\"Anomaly.*\"\nparams:\n  SCORE: { from: annotations.score }").isEmpty,
                "only an exact alertname says the runbook is for the server's alert")
    }

    @Test func theBundledAnomalyRunbookReadsWhatTheAlertCarries() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../wiki/runbooks/cpu-anomaly.md")
        let parsed = RunbookParser.parse(try Data(contentsOf: root.standardizedFileURL), path: "runbooks/cpu-anomaly.md")
        #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics)")
    }
}
