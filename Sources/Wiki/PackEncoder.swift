internal import CZlib
import Foundation

/// A git pack of whole objects, each deflated on its own, with no deltas, and its index.
///
/// libgit2's pack builder looks for deltas among every object of a batch (a window of ten,
/// fixed when libgit2 is compiled), and for the audit log's small batches of fresh objects that
/// search was most of the cost of a commit. Deltas are for storage; `git gc` finds them later.
struct PackEncoder {
    /// A finished pack: its bytes, its index's bytes, and its name (the hex of its checksum, as in `pack-<name>.pack`).
    struct Encoded {
        var pack: [UInt8]
        var index: [UInt8]
        var name: String
        var objectCount: Int
    }

    private var bytes: [UInt8] = []
    private let count: Int
    private var entries: [PackIndex.Entry] = []

    /// How hard zlib works on an object of `type`. Trees are stored uncompressed: most of a tree is
    /// object ids, which do not compress, and deflating them was a third of an audit commit's cost.
    /// Everything else gets level 1, about three times faster than the default for a few percent more bytes.
    static func compressionLevel(for type: UInt8) -> Int32 {
        type == 2 ? Z_NO_COMPRESSION : 1
    }

    /// A pack that will hold `count` objects.
    init(count: Int) {
        self.count = count
        bytes.reserveCapacity(count * 256)
        bytes += Array("PACK".utf8)
        Self.appendBigEndian(2, to: &bytes)
        Self.appendBigEndian(UInt32(count), to: &bytes)
    }

    /// Appends the object `id`; `type` is git's (1 commit, 2 tree, 3 blob, 4 tag).
    mutating func append(_ id: ObjectID, type: UInt8, contents: UnsafeRawBufferPointer) throws(WikiError) {
        precondition(entries.count < count, "more objects than the pack was made for")
        let offset = bytes.count
        appendHeader(type: type, size: contents.count)
        var bound = compressBound(uLong(contents.count))
        let start = bytes.count
        bytes += repeatElement(0, count: Int(bound))
        let empty: UInt8 = 0
        let result = withUnsafePointer(to: empty) { fallback in
            bytes.withUnsafeMutableBufferPointer { buffer in
                compress2(buffer.baseAddress! + start, &bound,
                          (contents.baseAddress ?? UnsafeRawPointer(fallback)).assumingMemoryBound(to: Bytef.self),
                          uLong(contents.count), Self.compressionLevel(for: type))
            }
        }
        guard result == Z_OK else { throw .packWriteFailed(reason: "zlib compress2 returned \(result)") }
        bytes.removeLast(bytes.count - start - Int(bound))
        let checksum = bytes.withUnsafeBytes { raw in
            crc32(0, (raw.baseAddress! + offset).assumingMemoryBound(to: Bytef.self), uInt(raw.count - offset))
        }
        entries.append(PackIndex.Entry(id: id, crc32: UInt32(checksum), offset: offset))
    }

    /// The pack, closed by the SHA-1 of everything before it, and its index.
    consuming func finish() throws(WikiError) -> Encoded {
        precondition(entries.count == count, "fewer objects than the pack was made for")
        var hash = SHA1()
        hash.update(bytes)
        let checksum = hash.finalize()
        bytes += checksum
        let index = try PackIndex.encode(entries, packChecksum: checksum)
        return Encoded(pack: bytes, index: index, name: checksum.map { String(format: "%02x", $0) }.joined(), objectCount: count)
    }

    /// The object's type and inflated size: four bits of size in the first byte, then seven per byte.
    private mutating func appendHeader(type: UInt8, size: Int) {
        var remaining = size >> 4
        var byte = (type << 4) | UInt8(size & 0x0F)
        while remaining > 0 {
            bytes.append(byte | 0x80)
            byte = UInt8(remaining & 0x7F)
            remaining >>= 7
        }
        bytes.append(byte)
    }

    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
                  UInt8(truncatingIfNeeded: value)]
    }
}
