import Foundation
import Testing
import Telemetry

/// What the detectors learned comes back after a restart exactly, and a damaged file is reported, never trusted.
@Suite struct DetectorSnapshotTests {
    private let path = FileManager.default.temporaryDirectory.appendingPathComponent("snapshot-\(UUID().uuidString)/detectors.snapshot").path

    private func trained(seed: UInt64, count: Int = 3_000) -> (SeriesDetector, [Sample]) {
        var series = SyntheticSeries(seed: seed)
        let samples = series.samples(count + 500, noise: 1) { SyntheticSeries.daily($0) }
        var detector = SeriesDetector()
        for sample in samples.prefix(count) { _ = detector.score(sample) }
        return (detector, Array(samples.suffix(500)))
    }

    @Test func aRestoredDetectorScoresTheNextSamplesExactlyAsTheOriginal() throws {
        let (original, next) = trained(seed: 41)
        let key = SeriesKey(metric: "cpu_usage", labels: ["host": "web-1"])
        let saved = try DetectorSnapshot.write([DetectorSnapshot.Series(key: key, lastTimestamp: 42, detector: original)], to: path, budget: 1 << 20)
        #expect(saved.saved == 1 && saved.leftOut == 0)
        let restored = try #require(try DetectorSnapshot.read(from: path) { _ in DetectorSettings() })
        #expect(restored.count == 1 && restored[0].key == key && restored[0].lastTimestamp == 42)
        var (a, b) = (original, restored[0].detector)
        for sample in next { #expect(a.score(sample) == b.score(sample)) }
        #expect(b.count == original.count + next.count, "no warm-up again")
    }

    @Test func theBudgetKeepsTheMostRecentlyActiveSeries() throws {
        let (detector, _) = trained(seed: 42, count: 300)
        let series = (0..<10).map { DetectorSnapshot.Series(key: SeriesKey(metric: "m\($0)", labels: [:]), lastTimestamp: Int64(100 - $0), detector: detector) }
        let saved = try DetectorSnapshot.write(series, to: path, budget: 3 * 5_000)
        #expect(saved.saved >= 2 && saved.saved < 10 && saved.saved + saved.leftOut == 10)
        let restored = try #require(try DetectorSnapshot.read(from: path) { _ in DetectorSettings() })
        #expect(restored.map(\.key.metric) == series.prefix(saved.saved).map(\.key.metric))
    }

    @Test func aDamagedOrForeignFileIsReportedAndNotTrusted() throws {
        let (detector, _) = trained(seed: 43, count: 300)
        _ = try DetectorSnapshot.write([DetectorSnapshot.Series(key: SeriesKey(metric: "m", labels: [:]), lastTimestamp: 1, detector: detector)],
                                       to: path, budget: 1 << 20)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func reason(_ contents: [UInt8]) -> String {
            try? Data(contents).write(to: URL(fileURLWithPath: path))
            do {
                _ = try DetectorSnapshot.read(from: path) { _ in DetectorSettings() }
                return "read"
            } catch {
                return error.description
            }
        }
        bytes[bytes.count / 2] ^= 0xff
        #expect(reason(bytes).contains("checksum does not match"))
        bytes[bytes.count / 2] ^= 0xff
        #expect(reason(Array(bytes.prefix(bytes.count - 100))).contains("checksum does not match"), "cut short")
        #expect(reason(Array("{\"json\": true}".utf8)).contains("not a detector snapshot"))
        #expect(reason(bytes) == "read")
        #expect(try DetectorSnapshot.read(from: path + ".absent") { _ in DetectorSettings() } == nil)
    }
}
