#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The non-generic part of `SeriesRegistry`: series identities, keys, last timestamps, the hash
/// table and the recency list. Kept apart so the generic registry's per-sample loop can be
/// specialized in the caller's module while this code is compiled once.
@usableFromInline
struct SeriesTable: Sendable {
    let maximumSeries: Int
    @usableFromInline var counters = SeriesCounters()
    @usableFromInline var keys: [SeriesKey] = []
    private var identities: [[UInt8]] = []
    private var hashes: [UInt64] = []
    private var lastTimestamps: [Int64] = []
    // The recency list: `newer`/`older` neighbours by slot, -1 at either end.
    private var newer: [Int32] = []
    private var older: [Int32] = []
    private(set) var newest: Int32 = -1
    private var oldest: Int32 = -1
    // Slot indices by hash, -1 when empty; linear probing, at most half full.
    private var buckets: [Int32] = Array(repeating: -1, count: 64)

    init(maximumSeries: Int) {
        self.maximumSeries = maximumSeries
    }

    /// Where sample `index` of a batch went: its slot, whether the slot holds a new series, and
    /// whether the sample passed the ordering rule.
    @usableFromInline
    mutating func place(_ batch: IngestBatch, at index: Int) -> (slot: Int, created: Bool, accepted: Bool) {
        let range = batch.identityRange(index)
        let (slot, created) = batch.identityBytes.withUnsafeBufferPointer { bytes in
            findOrCreate(UnsafeBufferPointer(rebasing: bytes[range]), hash: batch.identityHashes[index])
        }
        return (slot, created, admit(batch.samples[index].timestampMilliseconds, to: slot) == .accepted)
    }

    /// The same for one sample of a series given as a key.
    @usableFromInline
    mutating func place(_ sample: Sample, for key: SeriesKey) -> (slot: Int, created: Bool, outcome: SeriesOutcome) {
        var bytes: [UInt8] = []
        SeriesIdentity.encode(key, into: &bytes)
        let (slot, created) = bytes.withUnsafeBufferPointer { findOrCreate($0, hash: SeriesIdentity.hash(UnsafeRawBufferPointer($0))) }
        return (slot, created, admit(sample.timestampMilliseconds, to: slot))
    }

    @usableFromInline
    func slot(for key: SeriesKey) -> Int? {
        var bytes: [UInt8] = []
        SeriesIdentity.encode(key, into: &bytes)
        return bytes.withUnsafeBufferPointer { find($0, hash: SeriesIdentity.hash(UnsafeRawBufferPointer($0))).slot }
    }

    @usableFromInline
    func lastTimestamp(_ slot: Int) -> Int64 { lastTimestamps[slot] }

    @usableFromInline
    func older(than slot: Int) -> Int32 { older[slot] }

    private mutating func admit(_ timestamp: Int64, to slot: Int) -> SeriesOutcome {
        touch(slot)
        let last = lastTimestamps[slot]
        if timestamp < last {
            counters.outOfOrder += 1
            return .outOfOrder
        }
        if timestamp == last {
            counters.duplicates += 1
            return .duplicate
        }
        lastTimestamps[slot] = timestamp
        counters.accepted += 1
        return .accepted
    }
}

// The hash table and the recency list.
extension SeriesTable {
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

    /// The slot of a series, made (after evicting the oldest series when full) if it is new.
    private mutating func findOrCreate(_ identity: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (slot: Int, created: Bool) {
        if let slot = find(identity, hash: hash).slot { return (slot, false) }
        let key = SeriesIdentity.decode(identity)
        let slot: Int
        if keys.count < maximumSeries {
            slot = keys.count
            keys.append(key)
            identities.append(Array(identity))
            hashes.append(hash)
            lastTimestamps.append(.min)
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
        }
        buckets[find(identity, hash: hash).bucket] = Int32(slot)
        pushNewest(slot)
        counters.created += 1
        return (slot, true)
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
