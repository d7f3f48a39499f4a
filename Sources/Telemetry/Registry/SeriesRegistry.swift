#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Every series the server knows, each with a caller-defined state (the anomaly detector), in
/// bounded memory.
///
/// At most `maximumSeries` series are kept; a new series beyond that evicts the one that has gone
/// longest without a sample, and `counters.evictions` counts it. Lookup, update and eviction are
/// O(1): an open-addressing table over slot indices, and a doubly linked list threaded through
/// the slots in order of their last sample.
///
/// Per series, timestamps must increase: a sample older than the series' last accepted sample is
/// rejected as out of order, one at the same millisecond is dropped as a duplicate (the first
/// value wins). Neither reaches the state, both are counted.
///
/// Not synchronized: the server keeps it in an actor or one per shard. Sendable when `State` is.
public struct SeriesRegistry<State> {
    /// Totals since the registry was made, for the server's own `/metrics`.
    public struct Counters: Sendable, Equatable {
        /// Samples handed to the state.
        public var accepted = 0
        /// Series created, including those that replaced evicted ones.
        public var created = 0
        /// Series dropped to stay within `maximumSeries`.
        public var evictions = 0
        /// Samples older than their series' last sample.
        public var outOfOrder = 0
        /// Samples at the same millisecond as their series' last sample.
        public var duplicates = 0

        public init() {}
    }

    /// What happened to one sample.
    public enum Outcome: Sendable, Equatable {
        case accepted, outOfOrder, duplicate
    }

    /// The bound on the number of series.
    public let maximumSeries: Int
    /// Totals since the registry was made.
    public private(set) var counters = Counters()

    private var keys: [SeriesKey] = []
    private var identities: [[UInt8]] = []
    private var hashes: [UInt64] = []
    private var lastTimestamps: [Int64] = []
    private var states: [State] = []
    // The recency list: `newer`/`older` neighbours by slot, -1 at either end.
    private var newer: [Int32] = []
    private var older: [Int32] = []
    private var newest: Int32 = -1
    private var oldest: Int32 = -1
    // Slot indices by hash, -1 when empty; linear probing, at most half full.
    private var buckets: [Int32]

    /// Makes an empty registry holding at most `maximumSeries` series (at least 1).
    public init(maximumSeries: Int) {
        self.maximumSeries = max(1, min(maximumSeries, Int(Int32.max) / 4))
        buckets = Array(repeating: -1, count: 64)
    }

    /// The number of series held.
    public var count: Int { keys.count }

    /// Feeds every sample of a batch to its series' state, creating series with `makeState`.
    ///
    /// `update` receives the state, the series and each sample that passes the ordering rule, in
    /// batch order. Returns what happened to this batch; `counters` accumulates the same.
    @discardableResult
    public mutating func ingest(
        _ batch: IngestBatch,
        makeState: (SeriesKey) -> State,
        update: (inout State, SeriesKey, Sample) -> Void
    ) -> Counters {
        let before = counters
        batch.identityBytes.withUnsafeBufferPointer { bytes in
            var start = 0
            for index in 0..<batch.samples.count {
                let end = batch.identityEnds[index]
                let identity = UnsafeBufferPointer(rebasing: bytes[start..<end])
                start = end
                let slot = findOrCreate(identity, hash: batch.identityHashes[index], makeState: makeState)
                _ = apply(batch.samples[index], to: slot, update: update)
            }
        }
        return counters.subtracting(before)
    }

    /// Feeds one sample of a series given as a key: the convenience form of `ingest`.
    @discardableResult
    public mutating func record(
        _ sample: Sample,
        for key: SeriesKey,
        makeState: (SeriesKey) -> State,
        update: (inout State, SeriesKey, Sample) -> Void
    ) -> Outcome {
        var bytes: [UInt8] = []
        SeriesIdentity.encode(key, into: &bytes)
        return bytes.withUnsafeBufferPointer { identity in
            let slot = findOrCreate(identity, hash: SeriesIdentity.hash(UnsafeRawBufferPointer(identity)), makeState: makeState)
            return apply(sample, to: slot, update: update)
        }
    }

    /// The state of a series, if it is held.
    public func state(for key: SeriesKey) -> State? {
        slot(for: key).map { states[$0] }
    }

    /// The timestamp of a series' last accepted sample, if it is held.
    public func lastTimestamp(for key: SeriesKey) -> Int64? {
        slot(for: key).map { lastTimestamps[$0] }
    }

    /// Visits every series from the most to the least recently updated.
    public func forEach(_ body: (SeriesKey, State) -> Void) {
        var slot = newest
        while slot >= 0 {
            body(keys[Int(slot)], states[Int(slot)])
            slot = older[Int(slot)]
        }
    }

    private func slot(for key: SeriesKey) -> Int? {
        var bytes: [UInt8] = []
        SeriesIdentity.encode(key, into: &bytes)
        return bytes.withUnsafeBufferPointer { find($0, hash: SeriesIdentity.hash(UnsafeRawBufferPointer($0))).slot }
    }

    private mutating func apply(_ sample: Sample, to slot: Int, update: (inout State, SeriesKey, Sample) -> Void) -> Outcome {
        touch(slot)
        let last = lastTimestamps[slot]
        if sample.timestampMilliseconds < last {
            counters.outOfOrder += 1
            return .outOfOrder
        }
        if sample.timestampMilliseconds == last {
            counters.duplicates += 1
            return .duplicate
        }
        lastTimestamps[slot] = sample.timestampMilliseconds
        counters.accepted += 1
        update(&states[slot], keys[slot], sample)
        return .accepted
    }
}

extension SeriesRegistry: Sendable where State: Sendable {}

extension SeriesRegistry.Counters {
    func subtracting(_ other: Self) -> Self {
        var result = Self()
        result.accepted = accepted - other.accepted
        result.created = created - other.created
        result.evictions = evictions - other.evictions
        result.outOfOrder = outOfOrder - other.outOfOrder
        result.duplicates = duplicates - other.duplicates
        return result
    }
}

// The hash table and the recency list.
extension SeriesRegistry {
    private var mask: Int { buckets.count - 1 }

    /// The slot holding `identity`, or the empty bucket where it would go.
    private func find(_ identity: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (slot: Int?, bucket: Int) {
        var bucket = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = Int(buckets[bucket])
            if slot < 0 { return (nil, bucket) }
            if hashes[slot] == hash, Self.equal(identities[slot], identity) { return (slot, bucket) }
            bucket = (bucket + 1) & mask
        }
    }

    private static func equal(_ stored: [UInt8], _ identity: UnsafeBufferPointer<UInt8>) -> Bool {
        stored.count == identity.count && stored.withUnsafeBufferPointer { memcmp($0.baseAddress!, identity.baseAddress!, identity.count) == 0 }
    }

    private mutating func findOrCreate(_ identity: UnsafeBufferPointer<UInt8>, hash: UInt64, makeState: (SeriesKey) -> State) -> Int {
        if let slot = find(identity, hash: hash).slot { return slot }
        let key = SeriesIdentity.decode(identity)
        let state = makeState(key)
        let slot: Int
        if keys.count < maximumSeries {
            slot = keys.count
            keys.append(key)
            identities.append(Array(identity))
            hashes.append(hash)
            lastTimestamps.append(.min)
            states.append(state)
            newer.append(-1)
            older.append(-1)
            if keys.count * 2 > buckets.count { grow() }
        } else {
            slot = Int(oldest)
            removeFromTable(slot)
            unlink(slot)
            counters.evictions += 1
            keys[slot] = key
            identities[slot] = Array(identity)
            hashes[slot] = hash
            lastTimestamps[slot] = .min
            states[slot] = state
        }
        buckets[find(identity, hash: hash).bucket] = Int32(slot)
        pushNewest(slot)
        counters.created += 1
        return slot
    }

    private mutating func grow() {
        buckets = Array(repeating: -1, count: buckets.count * 2)
        let mask = self.mask
        for slot in hashes.indices where slot < keys.count - 1 {
            var bucket = Int(truncatingIfNeeded: hashes[slot]) & mask
            while buckets[bucket] >= 0 { bucket = (bucket + 1) & mask }
            buckets[bucket] = Int32(slot)
        }
    }

    /// Backward-shift deletion keeps linear probing free of tombstones, so lookups stay short.
    private mutating func removeFromTable(_ slot: Int) {
        let mask = self.mask
        var hole = Int(truncatingIfNeeded: hashes[slot]) & mask
        while buckets[hole] != Int32(slot) { hole = (hole + 1) & mask }
        var next = hole
        while true {
            next = (next + 1) & mask
            let moving = Int(buckets[next])
            if moving < 0 { break }
            let home = Int(truncatingIfNeeded: hashes[moving]) & mask
            // Move the entry into the hole unless its home lies cyclically in (hole, next].
            let homeBetween = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next)
            if !homeBetween {
                buckets[hole] = Int32(moving)
                hole = next
            }
        }
        buckets[hole] = -1
    }

    private mutating func touch(_ slot: Int) {
        guard Int(newest) != slot else { return }
        unlink(slot)
        pushNewest(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let before = newer[slot]
        let after = older[slot]
        if before >= 0 { older[Int(before)] = after } else { newest = after }
        if after >= 0 { newer[Int(after)] = before } else { oldest = before }
        newer[slot] = -1
        older[slot] = -1
    }

    private mutating func pushNewest(_ slot: Int) {
        newer[slot] = -1
        older[slot] = newest
        if newest >= 0 { newer[Int(newest)] = Int32(slot) }
        newest = Int32(slot)
        if oldest < 0 { oldest = Int32(slot) }
    }
}
