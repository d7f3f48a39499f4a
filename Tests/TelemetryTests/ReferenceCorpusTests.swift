import Foundation
import Telemetry
import Testing

/// Our parsers against the reference implementations' own test inputs (`Tests/Corpora`, each with its licence):
/// whether each input is accepted or rejected, and for accepted ones how many numeric samples came out. A sender's
/// point that we read differently from its own library, or drop, is a gap in someone's graph.
@Suite struct ReferenceCorpusTests {
    static let corpora = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Corpora").standardized

    /// Wide open: the corpora's timestamps are from 1970 to 2262, and the window is not what is compared.
    static let options = IngestOptions(ingestTimeMilliseconds: 1_700_000_000_000, maximumAgeMilliseconds: .max / 2,
                                       maximumFutureMilliseconds: .max / 2)

    /// One disagreement with the reference, for the test's report.
    struct Disagreement: CustomStringConvertible {
        let name: String
        let input: String
        let reference: String
        let ours: String
        var description: String { "\(name) \(input.debugDescription.prefix(120)): reference \(reference), ours \(ours)" }
    }

    static func lines(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: corpora.appendingPathComponent(path), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// Requires agreement on at least 99.5% of the cases and reports every disagreement.
    static func expectAgreement(_ disagreements: [Disagreement], of total: Int, corpus: String) {
        let agreement = Double(total - disagreements.count) / Double(total)
        #expect(total > 0)
        #expect(agreement >= 0.995, "\(corpus): \(total - disagreements.count) of \(total) agree:\n\(disagreements.map(\.description).joined(separator: "\n"))")
    }

    @Test func prometheusTextAgreesWithExpfmt() throws {
        let scenarios = try Self.lines("prometheus-text/scenarios.jsonl")
        var disagreements: [Disagreement] = []
        for scenario in scenarios {
            let name = "\(scenario["test"] ?? "")#\(scenario["index"] ?? "")"
            let input: [UInt8] = if let base64 = scenario["input_base64"] as? String, let data = Data(base64Encoded: base64) {
                Array(data)
            } else {
                Array(try #require(scenario["input"] as? String).utf8)
            }
            let batch = PrometheusTextParser().parse(input, options: Self.options)
            let accepted = try #require(scenario["accepted"] as? Bool)
            let shown = String(decoding: input, as: UTF8.self)
            if accepted != batch.errors.isEmpty {
                let reference = accepted ? "accepts" : "rejects (\(scenario["error"] ?? ""))"
                let ours = batch.firstError.map { "rejects (\($0))" } ?? "accepts"
                disagreements.append(Disagreement(name: name, input: shown, reference: reference, ours: ours))
            } else if accepted, let expected = scenario["samples"] as? Int {
                // NaN is a sample to the reference; we count it as non-finite instead of keeping it.
                let samples = batch.count + batch.rejections.nonFinite
                if samples != expected {
                    disagreements.append(Disagreement(name: name, input: shown, reference: "\(expected) samples", ours: "\(samples) samples"))
                }
            }
        }
        Self.expectAgreement(disagreements, of: scenarios.count, corpus: "prometheus/common expfmt")
    }

    @Test func theOTLPExampleIsTakenInWholeIncludingItsHistogram() throws {
        let body = try Data(contentsOf: Self.corpora.appendingPathComponent("otlp/metrics.json"))
        let batch = try OTLPMetricsParser().parse(Array(body), options: Self.options)
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        #expect(batch.rejections.rejected == 0)
        let series = Dictionary(uniqueKeysWithValues: (0..<batch.count).map { (batch.key(at: $0), batch.samples[$0].value) })
        let resource = ["service.name": "my.service"]
        #expect(series[SeriesKey(metric: "my.counter", labels: resource.merging(["my.counter.attr": "some value"]) { $1 })] == 5)
        #expect(series[SeriesKey(metric: "my.gauge", labels: resource.merging(["my.gauge.attr": "some value"]) { $1 })] == 10)
        // bucketCounts [1, 1] with explicitBounds [1]: cumulative buckets le=1 -> 1, le=+Inf -> 2, then sum and count.
        let histogram = resource.merging(["my.histogram.attr": "some value"]) { $1 }
        #expect(series[SeriesKey(metric: "my.histogram_bucket", labels: histogram.merging(["le": "1"]) { $1 })] == 1)
        #expect(series[SeriesKey(metric: "my.histogram_bucket", labels: histogram.merging(["le": "+Inf"]) { $1 })] == 2)
        #expect(series[SeriesKey(metric: "my.histogram_sum", labels: histogram)] == 2)
        #expect(series[SeriesKey(metric: "my.histogram_count", labels: histogram)] == 2)
        #expect(batch.count == 6)
    }

    @Test func lineProtocolAgreesWithInfluxDataCorpus() throws {
        let cases = try Self.lines("line-protocol/corpus-sample.jsonl")
        var disagreements: [Disagreement] = []
        for entry in cases {
            let name = entry["key"] as? String ?? "?"
            let input: [UInt8] = if let base64 = entry["binary"] as? String {
                Array(try #require(Data(base64Encoded: base64)))
            } else {
                Array(try #require(entry["text"] as? String).utf8)
            }
            let defaultTime = try #require(entry["defaultTime"] as? Int64)
            var options = Self.options
            options.ingestTimeMilliseconds = defaultTime / 1_000_000
            let batch = LineProtocolParser().parse(input, options: options)
            let shown = String(decoding: input, as: UTF8.self)
            if let error = entry["error"] as? String {
                if batch.errors.isEmpty {
                    disagreements.append(Disagreement(name: name, input: shown, reference: "rejects (\(error))", ours: "accepts \(batch.count) samples"))
                }
                continue
            }
            if let error = batch.firstError {
                disagreements.append(Disagreement(name: name, input: shown, reference: "accepts", ours: "rejects (\(error))"))
                continue
            }
            // Every field but strings is a number to us (booleans as 1 and 0), at the point's time in milliseconds
            // (rounded toward the past, before 1970 too).
            let numeric = ["float", "int", "uint", "bool"].reduce(0) { $0 + (entry[$1] as? Int ?? 0) }
            let times = (entry["times"] as? [Int64] ?? []).map { $0 / 1_000_000 - ($0 % 1_000_000 < 0 ? 1 : 0) }
            if batch.count != numeric || !batch.samples.allSatisfy({ times.contains($0.timestampMilliseconds) }) {
                disagreements.append(Disagreement(name: name, input: shown, reference: "\(numeric) samples at \(times)",
                                                  ours: "\(batch.count) at \(batch.samples.map(\.timestampMilliseconds))"))
            }
        }
        Self.expectAgreement(disagreements, of: cases.count, corpus: "influxdata/line-protocol corpus sample")
    }
}
