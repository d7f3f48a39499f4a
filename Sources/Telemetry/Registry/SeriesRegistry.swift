/// Every series the server knows, each with a caller-defined state (the anomaly detector), in
/// bounded memory.
///
/// At most `maximumSeries` series are kept; a new series beyond that evicts the one that has gone
/// longest without a sample, and `counters.evictions` counts it. Lookup, update and eviction are
/// O(1): an open-addressing table over slot indices, and a doubly linked list threaded through
/// the slots in order of their last sample (any sample, accepted or not, counts as activity).
///
/// Per series, timestamps must increase: a sample older than the series' last accepted sample is
/// rejected as out of order, one at the same millisecond is dropped as a duplicate (the first
/// value wins). Neither reaches the state, both are counted.
///
/// Not synchronized: the server keeps it in an actor or one per shard. Sendable when `State` is.
public struct SeriesRegistry<State> {
    /// The bound on the number of series.
    public let maximumSeries: Int
    @usableFromInline var table: SeriesTable
    @usableFromInline var states: [State] = []

    /// Makes an empty registry holding at most `maximumSeries` series (at least 1).
    public init(maximumSeries: Int) {
        self.maximumSeries = max(1, min(maximumSeries, Int(Int32.max) / 4))
        table = SeriesTable(maximumSeries: self.maximumSeries)
    }

    /// The number of series held.
    public var count: Int { states.count }
    /// Totals since the registry was made, for the server's own `/metrics`.
    public var counters: SeriesCounters { table.counters }

    /// Feeds every sample of a batch to its series' state, creating series with `makeState`.
    ///
    /// `update` receives the state, the series and each sample that passes the ordering rule, in
    /// batch order. Returns the counts for this batch alone; `counters` accumulates them.
    @inlinable
    @discardableResult
    public mutating func ingest(
        _ batch: IngestBatch,
        makeState: (SeriesKey) -> State,
        update: (inout State, SeriesKey, Sample) -> Void
    ) -> SeriesCounters {
        let before = table.counters
        for index in 0..<batch.count {
            let (slot, created, accepted) = table.place(batch, at: index)
            if created { install(makeState(table.keys[slot]), at: slot) }
            if accepted { update(&states[slot], table.keys[slot], batch.samples[index]) }
        }
        return table.counters.subtracting(before)
    }

    /// Feeds one sample of a series given as a key: the convenience form of `ingest`.
    @inlinable
    @discardableResult
    public mutating func record(
        _ sample: Sample,
        for key: SeriesKey,
        makeState: (SeriesKey) -> State,
        update: (inout State, SeriesKey, Sample) -> Void
    ) -> SeriesOutcome {
        let (slot, created, outcome) = table.place(sample, for: key)
        if created { install(makeState(table.keys[slot]), at: slot) }
        if outcome == .accepted { update(&states[slot], table.keys[slot], sample) }
        return outcome
    }

    /// The state of a series, if it is held.
    public func state(for key: SeriesKey) -> State? {
        table.slot(for: key).map { states[$0] }
    }

    /// The timestamp of a series' last accepted sample, if it is held and has one.
    public func lastTimestamp(for key: SeriesKey) -> Int64? {
        table.slot(for: key).map { table.lastTimestamp($0) }
    }

    /// Visits every series from the most to the least recently active.
    public func forEach(_ body: (SeriesKey, State) -> Void) {
        var slot = table.newest
        while slot >= 0 {
            body(table.keys[Int(slot)], states[Int(slot)])
            slot = table.older(than: Int(slot))
        }
    }

    /// A new series either takes a fresh slot at the end or the slot of the series it evicted.
    @inlinable
    mutating func install(_ state: State, at slot: Int) {
        if slot == states.count { states.append(state) } else { states[slot] = state }
    }
}

extension SeriesRegistry: Sendable where State: Sendable {}
