import Foundation
import Testing

/// What the anomaly detectors learned survives a restart of the server: an anomaly right after it pages.
@Suite("Detector state across restarts", .timeLimit(.minutes(2)))
struct DetectorRestartTests {
    /// `queue_depth,host=db-1 value=...` at the given minutes before `now` (precision s).
    static func lines(_ values: [(minutesAgo: Int, value: Double)], now: Int) -> Data {
        Data(values.map { "queue_depth,host=db-1 value=\($0.value) \(now - $0.minutesAgo * 60)" }.joined(separator: "\n").utf8)
    }

    @Test func aSeriesTrainedBeforeARestartPagesOnItsFirstAnomalyAfterIt() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.wiki(runbooks: [:])
        let now = Int(Date().timeIntervalSince1970)
        let calm = (1...200).map { (minutesAgo: 201 - $0, value: 20 + Double($0 % 5) * 0.5) }

        let first = try cli.serve()
        let trained = try await LoopbackHTTP.request(first.url + "/write?precision=s", method: "POST", token: first.token,
                                                     body: Self.lines(calm, now: now))
        #expect(trained.status == 204, "\(trained.text)")
        #expect(first.stop(), "a graceful stop saves the snapshot")
        #expect(FileManager.default.fileExists(atPath: cli.path(".runbook/telemetry/detectors.snapshot")))

        let second = try cli.serve(token: first.token)
        defer { second.stop() }
        let spike = try await LoopbackHTTP.request(second.url + "/write?precision=s", method: "POST", token: second.token,
                                                   body: Self.lines([(0, 400)], now: now))
        #expect(spike.status == 204, "\(spike.text)")
        let incidents = try await LoopbackHTTP.request(second.url + "/api/v1/incidents", token: second.token)
        #expect(incidents.text.contains("Anomaly in queue_depth_value{host=\\\"db-1\\\"}: 400 outside the expected"),
                "one sample after the restart, past the 150-sample warm-up only if the state came back: \(incidents.text)")
    }

    @Test func aDamagedSnapshotIsReportedAndTheServerStartsWithoutIt() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.wiki(runbooks: [:])
        let path = cli.path(".runbook/telemetry/detectors.snapshot")
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("RBDS and then nonsense, cut short".utf8).write(to: URL(fileURLWithPath: path))
        let served = try cli.serve(environment: ["RUNBOOK_LOG_LEVEL": "warning"])
        let health = try await LoopbackHTTP.request(served.url + "/healthz")
        #expect(health.status == 200)
        served.stop()
        let log = String(decoding: served.running.err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("detector snapshot \(path): its checksum does not match"), "\(log)")
    }
}
