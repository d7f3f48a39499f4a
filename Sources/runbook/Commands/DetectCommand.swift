import ArgumentParser
import Foundation
import Telemetry

/// `runbook detect`: the streaming anomaly detector run offline over one `timestamp,value` CSV file.
struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Score a timestamp,value CSV file with the anomaly detector; write timestamp,value,anomaly_score.",
        discussion: """
            The input is NAB's format: a header line, then one `YYYY-MM-DD HH:MM:SS,value` row per sample in time \
            order, timestamps in UTC. Rows are scored one by one with the same detector the server runs, so a row's \
            score only depends on it and earlier rows, and a score of 0.5 or more is exactly what the server would \
            page on (warm-up and cool-down included). The output keeps the input's timestamp and value text.
            """
    )

    @Option(help: ArgumentHelp("The timestamp,value CSV file to score.", valueName: "file"))
    var input: String

    @Option(help: ArgumentHelp("Where to write timestamp,value,anomaly_score.", valueName: "file"))
    var output: String

    @Option(help: "How little surprise is enough: 2 fires on half the deviation, 0.5 needs twice as much.")
    var sensitivity = DetectorSettings().sensitivity

    @Option(name: .customLong("warm-up"), help: "Samples learned before any score reaches 0.5.")
    var warmUp = DetectorSettings().warmUpSamples

    @Option(name: .customLong("cool-down"), help: "Samples after an anomaly that score below 0.5.")
    var coolDown = DetectorSettings().coolDownSamples

    @Flag(help: "Also time the detector alone and print ns/sample and bytes/series to stdout.")
    var measure = false

    func validate() throws {
        guard sensitivity > 0, sensitivity.isFinite else { throw ValidationError("--sensitivity must be a positive number") }
        guard warmUp >= 0 else { throw ValidationError("--warm-up cannot be negative") }
        guard coolDown >= 0 else { throw ValidationError("--cool-down cannot be negative") }
    }

    func run() async throws {
        let rows = try SeriesFile.read(input)
        let settings = DetectorSettings(sensitivity: sensitivity, warmUpSamples: warmUp, coolDownSamples: coolDown)
        var detector = SeriesDetector(settings: settings)
        var text = "timestamp,value,anomaly_score\n"
        text.reserveCapacity(rows.count * 48)
        for row in rows {
            let result = detector.score(row.sample)
            text += "\(row.timestamp),\(row.valueText),\(result.score)\n"
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CLIError("cannot write \(output): \((error as NSError).localizedDescription)")
        }
        if measure { Self.printCost(of: rows.map(\.sample), settings: settings) }
    }

    /// Times the detector alone over the samples, repeated to at least 0.2 s so short files still time well.
    private static func printCost(of samples: [Sample], settings: DetectorSettings) {
        guard !samples.isEmpty else { return }
        let clock = ContinuousClock()
        var scored = 0
        var anomalies = 0
        var footprint = 0
        let elapsed = clock.measure {
            while scored < 1_000 || scored < 50 * samples.count {
                var detector = SeriesDetector(settings: settings)
                for sample in samples where detector.score(sample).isAnomaly { anomalies += 1 }
                scored += samples.count
                footprint = detector.memoryFootprint
                if scored >= 2_000_000 { break }
            }
        }
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        Console.out("detector: \(samples.count) samples, \(String(format: "%.1f", nanoseconds / Double(scored))) ns/sample, "
            + "\(footprint) bytes/series (\(anomalies / max(1, scored / samples.count)) anomalies)")
    }
}
