import Foundation
import Testing
@testable import ITIL

/// How long start-up would spend parsing 100,000 record headers (parsing only, not reading blobs from git).
///
/// Off by default; run it in release mode, where the figure means something:
/// `ITIL_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter RecordFileBenchmark`.
///
/// Measured on the 2-core development machine (2026-11), a 5.3 KB record with an 11-entry timeline: JSON header via
/// `JSONDecoder`, 100,000 parses in 5.5 s (55 µs each). The same record as YAML front matter via Yams' `YAMLDecoder`
/// (a throwaway comparison, not kept): 5,000 parses in 2.8 s, i.e. about 55 s for 100,000, ten times slower.
@Suite("Record file benchmark", .enabled(if: ProcessInfo.processInfo.environment["ITIL_BENCH"] != nil))
struct RecordFileBenchmark {
    /// A typical worked incident: eleven timeline entries, one alert, a handful of labels.
    static func typicalIncident() throws -> Incident {
        var incident = try openIncident(labels: [
            "alertname": "DiskAlmostFull", "instance": "db-1.example.net:9100", "mountpoint": "/var",
            "severity": "warning", "job": "node", "env": "prod",
        ])
        incident.service = "storage-cluster"
        try incident.apply(.assigned(group: "storage", to: "alice"), at: at(minutes(1)), actor: "automation")
        try incident.apply(.transitioned(to: .inProgress), at: at(minutes(2)), actor: "automation")
        try incident.apply(.runLinked("1"), at: at(minutes(2)), actor: "automation")
        for step in 0..<5 {
            try incident.apply(.noteAdded("step \(step) succeeded (exit 0, 0.12 s)"), at: at(minutes(3 + Double(step))), actor: "automation")
        }
        try incident.apply(move(to: .resolved), at: at(minutes(10)), actor: "automation")
        try incident.apply(.autoClosed, at: at(hours(80)), actor: "system")
        return incident
    }

    @Test func parse100kRecords() throws {
        let text = IncidentRecordFile.render(try Self.typicalIncident())
        let data = Data(text.utf8)
        let count = 100_000
        let clock = ContinuousClock()
        var parsed = 0
        let elapsed = try clock.measure {
            for _ in 0..<count {
                parsed += try IncidentRecordFile.parse(data).workNotes.count
            }
        }
        #expect(parsed == count * 11)
        print("record file: \(data.count) bytes, \(text.split(separator: "\n").count) lines; JSON header: "
            + "\(count) parses in \(elapsed) (\(elapsed / count) each)")
    }
}
