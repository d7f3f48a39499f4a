import Foundation

/// A pack's index file (`.idx`, version 2): the pack's object ids in order, each with the CRC-32
/// of its entry and its offset in the pack, so git and libgit2 find an object without reading
/// the pack through.
enum PackIndex {
    /// One object of the pack.
    struct Entry {
        var id: ObjectID
        var crc32: UInt32
        var offset: Int
    }

    private static let magic: [UInt8] = [0xFF, 0x74, 0x4F, 0x63]
    static let headerSize = 8 + 256 * 4

    /// The index of a pack holding `entries`, whose own checksum is `packChecksum`.
    static func encode(_ entries: [Entry], packChecksum: [UInt8]) throws(WikiError) -> [UInt8] {
        let sorted = entries.map { (id: $0.id.bytes, entry: $0) }.sorted { $0.id.lexicographicallyPrecedes($1.id) }
        var bytes = magic
        append(2, to: &bytes)
        var fanout = [UInt32](repeating: 0, count: 256)
        for (id, _) in sorted { fanout[Int(id[0])] += 1 }
        var total: UInt32 = 0
        for count in fanout {
            total += count
            append(total, to: &bytes)
        }
        for (id, _) in sorted { bytes += id }
        for (_, entry) in sorted { append(entry.crc32, to: &bytes) }
        for (_, entry) in sorted {
            // Offsets past 2 GiB need the large-offset table; a batch of audit events is never that big.
            guard entry.offset < 1 << 31 else { throw .packWriteFailed(reason: "a pack of more than 2 GiB") }
            append(UInt32(entry.offset), to: &bytes)
        }
        bytes += packChecksum
        var hash = SHA1()
        hash.update(bytes)
        bytes += hash.finalize()
        return bytes
    }

    /// The ids of the objects listed in the index `bytes`.
    static func objectIDs(in bytes: [UInt8]) throws(WikiError) -> [ObjectID] {
        guard bytes.count >= headerSize, Array(bytes[0..<4]) == magic, readUInt32(bytes, at: 4) == 2 else {
            throw .packWriteFailed(reason: "not a version 2 pack index")
        }
        let count = Int(readUInt32(bytes, at: headerSize - 4))
        guard bytes.count >= headerSize + count * 20 else { throw .packWriteFailed(reason: "a truncated pack index") }
        return (0..<count).map { index in
            let start = headerSize + index * 20
            return ObjectID(bytes: Array(bytes[start..<start + 20]))
        }
    }

    /// How many objects the index `bytes` lists.
    static func objectCount(in bytes: [UInt8]) -> Int {
        bytes.count >= headerSize ? Int(readUInt32(bytes, at: headerSize - 4)) : 0
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
                  UInt8(truncatingIfNeeded: value)]
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
