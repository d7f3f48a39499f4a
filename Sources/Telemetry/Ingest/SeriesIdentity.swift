/// The byte form of a series that batches carry and the registry indexes.
///
/// Layout: the metric name, then each label's name and value in byte order of names, every part
/// preceded by its length as four little-endian bytes. Length prefixes make the form injective
/// whatever bytes names contain, so equal bytes mean the same series without parsing them.
enum SeriesIdentity {
    /// Per process, so clients cannot precompute colliding series names for every server.
    static let seed = UInt64.random(in: .min ... .max)

    static func appendPart(_ part: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        appendLength(part.count, to: &bytes)
        bytes.append(contentsOf: part)
    }

    static func appendLength(_ length: Int, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: length).littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Overwrites a length written earlier as a placeholder.
    static func patchLength(at offset: Int, _ length: Int, in bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(truncatingIfNeeded: length).littleEndian, toByteOffset: offset, as: UInt32.self) }
    }

    static func encode(_ key: SeriesKey, into bytes: inout [UInt8]) {
        var metric = key.metric
        metric.withUTF8 { appendPart($0, to: &bytes) }
        // SeriesKey sorts by String order, which differs from byte order outside ASCII.
        let labels = key.labels.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        for label in labels {
            var name = label.name
            var value = label.value
            name.withUTF8 { appendPart($0, to: &bytes) }
            value.withUTF8 { appendPart($0, to: &bytes) }
        }
    }

    /// Encodes a metric and labels given as strings; labels must have unique names.
    static func encode(metric: String, labels: [(name: String, value: String)], into bytes: inout [UInt8]) {
        encode(SeriesKey(metric: metric, sortedLabels: labels.map { SeriesKey.Label(name: $0.name, value: $0.value) }), into: &bytes)
    }

    /// Rebuilds the key. Parsers validate UTF-8 before they encode, so decoding never replaces bytes.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> SeriesKey {
        var offset = 0
        func part() -> String {
            let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 4 + length)]), as: UTF8.self)
            offset += 4 + length
            return text
        }
        let metric = part()
        var labels: [SeriesKey.Label] = []
        while offset < bytes.count {
            let name = part()
            labels.append(SeriesKey.Label(name: name, value: part()))
        }
        return SeriesKey(metric: metric, sortedLabels: labels)
    }

    /// A 64-bit hash, eight bytes per step; the registry still compares bytes, so collisions cost time, not correctness.
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = SeriesIdentity.seed) -> UInt64 {
        let count = bytes.count
        var hash = seed ^ (UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15)
        var offset = 0
        while offset + 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            hash = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 31
            offset += 8
        }
        if offset < count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                word |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            hash = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
        }
        hash ^= hash >> 30
        hash = hash &* 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }
}
