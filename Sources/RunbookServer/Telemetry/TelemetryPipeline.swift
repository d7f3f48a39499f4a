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
    private let policy: Mutex<DetectorPolicy>

    /// - Parameter maximumSeries: the bound over all shards; each holds an equal part.
    public init(maximumSeries: Int, shards count: Int = max(1, ProcessInfo.processInfo.activeProcessorCount), policy: DetectorPolicy = .init()) {
        let count = max(1, min(count, maximumSeries))
        shards = (0..<count).map { _ in Shard(maximumSeries: max(1, maximumSeries / count)) }
        self.policy = Mutex(policy)
    }

    /// Detector settings for series made from now on; series already watched keep theirs.
    public func update(_ policy: DetectorPolicy) {
        self.policy.withLock { $0 = policy }
    }

    /// Batches of at least this many samples are scored on all shards at once.
    static let parallelBatch = 4096

    /// Scores every sample of `batch`, series by series in time order.
    func ingest(_ batch: IngestBatch) async -> Outcome {
        let policy = self.policy.withLock { $0 }
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
