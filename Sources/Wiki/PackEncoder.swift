internal import CZlib
import Foundation

/// A git pack of whole objects, each deflated on its own, with no deltas, and its index.
///
/// libgit2's pack builder looks for deltas among every object of a batch (a window of ten,
/// fixed when libgit2 is compiled), and for the audit log's small batches of fresh objects that
/// search was most of the cost of a commit. Deltas are for storage; `git gc` finds them later.
enum PackEncoder {
    /// A finished pack: its bytes, its index's bytes, and its name (the hex of its checksum, as in `pack-<name>.pack`).
    struct Encoded {
        var pack: [UInt8]
        var index: [UInt8]
        var name: String
        var objectCount: Int
    }

    /// One object to pack; `type` is git's (1 commit, 2 tree, 3 blob, 4 tag).
    struct Object: Sendable {
        var id: ObjectID
        var type: UInt8
        var contents: Data
    }

    /// From this many objects on, they are deflated on all cores.
    static let parallelFrom = 64

    /// How hard zlib works on an object of `type`. Trees are stored uncompressed: most of a tree is
    /// object ids, which do not compress, and deflating them was a third of an audit commit's cost.
    /// Everything else gets level 1, about three times faster than the default for a few percent more bytes.
    static func compressionLevel(for type: UInt8) -> Int32 {
        type == 2 ? Z_NO_COMPRESSION : 1
    }

    /// The pack of `objects` (each once), closed by the SHA-1 of everything before it, and its index.
    static func encode(_ objects: [Object]) throws(WikiError) -> Encoded {
        let deflate: @Sendable (Int) -> Result<[UInt8], WikiError> = { index in Result { () throws(WikiError) in try entry(objects[index]) } }
        let entries = objects.count >= parallelFrom ? concurrentMap(objects.indices, deflate) : objects.indices.map(deflate)
        var bytes = Array("PACK".utf8)
        bytes.reserveCapacity(entries.reduce(32) { $0 + ((try? $1.get())?.count ?? 0) })
        appendBigEndian(2, to: &bytes)
        appendBigEndian(UInt32(objects.count), to: &bytes)
        var index: [PackIndex.Entry] = []
        index.reserveCapacity(objects.count)
        for (object, entry) in zip(objects, entries) {
            let entry = try entry.get()
            let checksum = entry.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
            index.append(PackIndex.Entry(id: object.id, crc32: UInt32(checksum), offset: bytes.count))
            bytes += entry
        }
        var hash = SHA1()
        hash.update(bytes)
        let checksum = hash.finalize()
        bytes += checksum
        return Encoded(pack: bytes, index: try PackIndex.encode(index, packChecksum: checksum),
                       name: checksum.map { String(format: "%02x", $0) }.joined(), objectCount: objects.count)
    }

    /// One object's entry in a pack: its header, then its contents deflated.
    private static func entry(_ object: Object) throws(WikiError) -> [UInt8] {
        var bytes = header(type: object.type, size: object.contents.count)
        var bound = compressBound(uLong(object.contents.count))
        let start = bytes.count
        bytes += repeatElement(0, count: Int(bound))
        let empty: UInt8 = 0
        let result = object.contents.withUnsafeBytes { contents in
            withUnsafePointer(to: empty) { fallback in
                bytes.withUnsafeMutableBufferPointer { buffer in
                    compress2(buffer.baseAddress! + start, &bound,
                              (contents.baseAddress ?? UnsafeRawPointer(fallback)).assumingMemoryBound(to: Bytef.self),
                              uLong(contents.count), compressionLevel(for: object.type))
                }
            }
        }
        guard result == Z_OK else { throw .packWriteFailed(reason: "zlib compress2 returned \(result)") }
        bytes.removeLast(bytes.count - start - Int(bound))
        return bytes
    }

    /// The object's type and inflated size: four bits of size in the first byte, then seven per byte.
    private static func header(type: UInt8, size: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var remaining = size >> 4
        var byte = (type << 4) | UInt8(size & 0x0F)
        while remaining > 0 {
            bytes.append(byte | 0x80)
            byte = UInt8(remaining & 0x7F)
            remaining >>= 7
        }
        bytes.append(byte)
        return bytes
    }

    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
                  UInt8(truncatingIfNeeded: value)]
    }
}
