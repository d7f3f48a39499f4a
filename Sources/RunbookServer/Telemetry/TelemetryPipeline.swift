import Foundation
import Synchronization
import Telemetry

/// Every series the server watches, each with its anomaly detector, in shards that score one
/// request's samples in parallel; memory is bounded by the series limit.
public final class TelemetryPipeline: Sendable {
    /// One shard: a registry of its own behind a lock.
    private final class Shard: Sendable {
        let registry: Mutex<SeriesRegistry<SeriesDetector>>
        init(maximumSeries: Int) { registry = Mutex(SeriesRegistry(maximumSeries: maximumSeries)) }
    }

    /// A sample that scored as an anomaly.
    struct Anomaly: Sendable {
        let series: SeriesKey
        let sample: Sample
        let score: AnomalyScore
    }

    /// What one request did.
    struct Outcome: Sendable {
        var anomalies: [Anomaly] = []
        var counters = SeriesCounters()
    }

    private let shards: [Shard]
    private let currentPolicy: Mutex<DetectorPolicy>

    /// The detector settings in force for new series.
    var policy: DetectorPolicy { currentPolicy.withLock { $0 } }

    /// - Parameter maximumSeries: the bound over all shards; each holds an equal part.
    public init(maximumSeries: Int, shards count: Int = max(1, ProcessInfo.processInfo.activeProcessorCount), policy: DetectorPolicy = .init()) {
        let count = max(1, min(count, maximumSeries))
        shards = (0..<count).map { _ in Shard(maximumSeries: max(1, maximumSeries / count)) }
        currentPolicy = Mutex(policy)
    }

    /// Detector settings for series made from now on; series already watched keep theirs.
    public func update(_ policy: DetectorPolicy) {
        currentPolicy.withLock { $0 = policy }
    }

    /// Batches of at least this many samples are scored on all shards at once.
    static let parallelBatch = 4096

    /// Scores every sample of `batch`, series by series in time order.
    func ingest(_ batch: IngestBatch) async -> Outcome {
        let policy = self.policy
        let parts = batch.partitioned(into: shards.count)
        // A small batch is scored on this task: handing a thousand samples to other threads costs
        // more than it saves, and concurrent requests already keep every core busy.
        if batch.count < Self.parallelBatch {
            var total = Outcome()
            for (shard, part) in zip(shards, parts) where part.count > 0 {
                let outcome = Self.score(part, in: shard, policy: policy)
                total.anomalies += outcome.anomalies
                total.counters.add(outcome.counters)
            }
            return total
        }
        return await withTaskGroup(of: Outcome.self) { group in
            for (shard, part) in zip(shards, parts) where part.count > 0 {
                group.addTask { Self.score(part, in: shard, policy: policy) }
            }
            var total = Outcome()
            for await outcome in group {
                total.anomalies += outcome.anomalies
                total.counters.add(outcome.counters)
            }
            return total
        }
    }

    private static func score(_ batch: IngestBatch, in shard: Shard, policy: DetectorPolicy) -> Outcome {
        var outcome = Outcome()
        outcome.counters = shard.registry.withLock { registry in
            registry.ingest(batch, makeState: { SeriesDetector(settings: policy.settings(for: $0.metric)) }) { detector, key, sample in
                let score = detector.score(sample)
                if score.isAnomaly { outcome.anomalies.append(Anomaly(series: key, sample: sample, score: score)) }
            }
        }
        return outcome
    }

    /// Every series with its detector, most recently active first: what ``DetectorSnapshots`` saves.
    func snapshot() -> [DetectorSnapshot.Series] {
        var series: [DetectorSnapshot.Series] = []
        for shard in shards {
            shard.registry.withLock { registry in
                registry.forEach { key, detector in
                    series.append(DetectorSnapshot.Series(key: key, lastTimestamp: registry.lastTimestamp(for: key) ?? .min, detector: detector))
                }
            }
        }
        return series.sorted { $0.lastTimestamp > $1.lastTimestamp }
    }

    /// Takes back saved series, each in the shard its samples go to, with its last sample's time so older samples
    /// stay refused; a series that already has samples in this process keeps its own detector.
    func restore(_ series: [DetectorSnapshot.Series]) {
        let options = IngestOptions(ingestTimeMilliseconds: 0, maximumAgeMilliseconds: .max, maximumFutureMilliseconds: .max)
        var batch = IngestBatch(maximumErrors: 0)
        var detectors: [SeriesKey: SeriesDetector] = [:]
        for entry in series.reversed() where entry.lastTimestamp != .min {
            batch.append(Sample(timestampMilliseconds: entry.lastTimestamp, value: 0), to: entry.key, options: options)
            detectors[entry.key] = entry.detector
        }
        for (shard, part) in zip(shards, batch.partitioned(into: shards.count)) where part.count > 0 {
            shard.registry.withLock { registry in
                registry.ingest(part, makeState: { detectors[$0] ?? SeriesDetector() }, update: { _, _, _ in })
            }
        }
    }

    /// How many series are watched now.
    public var seriesCount: Int { status.series }

    /// Series held, and the totals since start.
    var status: (series: Int, counters: SeriesCounters) {
        var counters = SeriesCounters()
        var series = 0
        for shard in shards {
            shard.registry.withLock { registry in
                series += registry.count
                counters.add(registry.counters)
            }
        }
        return (series, counters)
    }
}

extension SeriesCounters {
    mutating func add(_ other: SeriesCounters) {
        accepted += other.accepted
        created += other.created
        evictions += other.evictions
        outOfOrder += other.outOfOrder
        duplicates += other.duplicates
    }
}
