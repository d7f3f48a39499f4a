import Telemetry
import Testing

@Suite struct SeriesRegistryTests {
    let options = IngestOptions(ingestTimeMilliseconds: 1_700_000_000_000)

    /// A state that remembers what it was given.
    struct Seen: Sendable {
        var values: [Double] = []
    }

    func record(_ registry: inout SeriesRegistry<Seen>, _ metric: String, at time: Int64, _ value: Double = 1) -> SeriesOutcome {
        registry.record(
            Sample(timestampMilliseconds: time, value: value), for: SeriesKey(metric: metric, labels: [:]),
            makeState: { _ in Seen() }, update: { state, _, sample in state.values.append(sample.value) }
        )
    }

    @Test func olderSamplesAreOutOfOrderAndEqualTimestampsAreDuplicates() {
        var registry = SeriesRegistry<Seen>(maximumSeries: 10)
        #expect(record(&registry, "a", at: 10, 1) == .accepted)
        #expect(record(&registry, "a", at: 20, 2) == .accepted)
        #expect(record(&registry, "a", at: 15, 3) == .outOfOrder)
        #expect(record(&registry, "a", at: 20, 4) == .duplicate)
        #expect(record(&registry, "a", at: 21, 5) == .accepted)
        #expect(registry.state(for: SeriesKey(metric: "a", labels: [:]))?.values == [1, 2, 5])
        #expect(registry.lastTimestamp(for: SeriesKey(metric: "a", labels: [:])) == 21)
        #expect(registry.counters.outOfOrder == 1)
        #expect(registry.counters.duplicates == 1)
        #expect(registry.counters.accepted == 3)
    }

    @Test func theLeastRecentlyActiveSeriesIsEvictedFirst() {
        var registry = SeriesRegistry<Seen>(maximumSeries: 3)
        for (time, metric) in ["a", "b", "c"].enumerated() { _ = record(&registry, metric, at: Int64(time)) }
        _ = record(&registry, "a", at: 10)
        _ = record(&registry, "d", at: 11)
        #expect(registry.count == 3)
        #expect(registry.counters.evictions == 1)
        #expect(registry.state(for: SeriesKey(metric: "b", labels: [:])) == nil)
        var order: [String] = []
        registry.forEach { key, _ in order.append(key.metric) }
        #expect(order == ["d", "a", "c"])
        // An evicted series starts over: its old timestamps no longer apply.
        #expect(record(&registry, "b", at: 0) == .accepted)
        #expect(registry.state(for: SeriesKey(metric: "c", labels: [:])) == nil)
    }

    @Test func batchesFindTheSameSeriesWhateverTheTagOrder() {
        var registry = SeriesRegistry<Seen>(maximumSeries: 100)
        let batch = LineProtocolParser(precision: .milliseconds).parse(
            "cpu,host=a,dc=x v=1 1699999990000\ncpu,dc=x,host=a v=2 1699999991000\ncpu,dc=x,host=a v=3 1699999991000\n",
            options: options
        )
        var updates: [(SeriesKey, Double)] = []
        let counts = registry.ingest(batch, makeState: { _ in Seen() }, update: { state, key, sample in
            state.values.append(sample.value)
            updates.append((key, sample.value))
        })
        #expect(registry.count == 1)
        #expect(counts.accepted == 2 && counts.duplicates == 1 && counts.created == 1)
        #expect(updates.map(\.0) == Array(repeating: SeriesKey(metric: "cpu_v", labels: ["dc": "x", "host": "a"]), count: 2))
    }

    @Test func aMillionDistinctSeriesInOneRequestStayWithinTheBound() {
        let lines = 1_000_000
        var body: [UInt8] = []
        body.reserveCapacity(lines * 40)
        for index in 0..<lines { body += Array("m,id=\(index) v=1 1699999990000\n".utf8) }
        let batch = LineProtocolParser(precision: .milliseconds).parse(body, options: options)
        #expect(batch.count == lines)
        var registry = SeriesRegistry<Int>(maximumSeries: 1_000)
        registry.ingest(batch, makeState: { _ in 0 }, update: { state, _, _ in state += 1 })
        #expect(registry.count == 1_000)
        #expect(registry.counters.evictions == lines - 1_000)
        #expect(registry.state(for: SeriesKey(metric: "m_v", labels: ["id": "\(lines - 1)"])) == 1)
        #expect(registry.state(for: SeriesKey(metric: "m_v", labels: ["id": "0"])) == nil)
    }

    @Test func registriesOfSendableStateAreSendable() {
        func requireSendable<T: Sendable>(_: T.Type) {}
        requireSendable(SeriesRegistry<Seen>.self)
    }
}
