/// A detector's learned state as bytes, for ``DetectorSnapshot``: every field the next sample's score depends on, in
/// a fixed order (the format's version changes with it). The settings are not part of it: they come from the wiki's
/// configuration in force when the state is restored.
extension SeriesDetector {
    func encode(into bytes: inout SnapshotBytes) {
        bytes.put(Int64(count))
        bytes.put(last)
        bytes.put(lastTime)
        bytes.put(step)
        bytes.put(resolution)
        bytes.put(level)
        for deviation in [naiveError, levelError, dailyDeltaError, dailyValueError, weeklyDeltaError, weeklyValueError, gap,
                          recentError, usualError] {
            bytes.put(deviation.value)
            bytes.put(deviation.weight)
        }
        daily.encode(into: &bytes)
        weekly.encode(into: &bytes)
        bytes.put(fastMean)
        bytes.put(slowMean)
        bytes.put(record.error)
        bytes.put(record.shift)
        bytes.put(record.noise)
        bytes.put(Int64(coolDownLeft))
        bytes.put(normalSince)
        bytes.put(unusual ? 1 : 0 as UInt8)
        bytes.put(startTime)
        bytes.put(previousError)
    }

    /// The detector `encode(into:)` wrote, with `settings`.
    init(decoding reader: inout SnapshotReader, settings: DetectorSettings) throws(SnapshotReader.Damaged) {
        self.init(settings: settings)
        count = Int(try reader.int64())
        last = try reader.double()
        lastTime = try reader.int64()
        step = try reader.int64()
        resolution = try reader.double()
        level = try reader.double()
        var deviations: [Deviation] = []
        for _ in 0..<9 {
            var deviation = Deviation()
            deviation.value = try reader.double()
            deviation.weight = try reader.double()
            deviations.append(deviation)
        }
        (naiveError, levelError, dailyDeltaError, dailyValueError) = (deviations[0], deviations[1], deviations[2], deviations[3])
        (weeklyDeltaError, weeklyValueError, gap, recentError, usualError) = (deviations[4], deviations[5], deviations[6], deviations[7], deviations[8])
        try daily.decode(from: &reader)
        try weekly.decode(from: &reader)
        fastMean = try reader.double()
        slowMean = try reader.double()
        record = Surprise(error: try reader.double(), shift: try reader.double(), noise: try reader.double())
        coolDownLeft = Int(try reader.int64())
        normalSince = try reader.int64()
        unusual = try reader.byte() != 0
        startTime = try reader.int64()
        previousError = try reader.double()
        guard count >= 0, coolDownLeft >= 0 else { throw SnapshotReader.Damaged(reason: "a detector's counts are negative") }
    }
}

extension SeasonalProfile {
    func encode(into bytes: inout SnapshotBytes) {
        bytes.put(width)
        bytes.put(Int64(buckets.count))
        for bucket in buckets {
            bytes.put(bucket.value)
            bytes.put(bucket.delta)
            bytes.put(bucket.visits)
        }
    }

    /// Reads what `encode(into:)` wrote; the bucket count must be what the width gives for this period.
    mutating func decode(from reader: inout SnapshotReader) throws(SnapshotReader.Damaged) {
        width = try reader.int64()
        let count = Int(try reader.int64())
        guard width >= 0, count == (width > 0 ? Int(period / width) : 0) else {
            throw SnapshotReader.Damaged(reason: "a seasonal profile of \(count) buckets \(width) ms wide does not fit its period")
        }
        buckets = []
        buckets.reserveCapacity(count)
        for _ in 0..<count {
            buckets.append(Bucket(value: try reader.float(), delta: try reader.float(), visits: try reader.byte()))
        }
        lastBucket = count - 1
    }
}

/// Little-endian bytes of a snapshot being written.
struct SnapshotBytes {
    var bytes: [UInt8] = []

    mutating func put(_ value: Int64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func put(_ value: Double) { put(Int64(bitPattern: value.bitPattern)) }
    mutating func put(_ value: Float) { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
    mutating func put(_ value: UInt8) { bytes.append(value) }
    mutating func put(_ text: String) {
        put(Int64(text.utf8.count))
        bytes += text.utf8
    }
}

/// Reads what ``SnapshotBytes`` wrote; anything cut short or out of bounds is ``Damaged``.
struct SnapshotReader {
    struct Damaged: Error {
        let reason: String
    }

    let bytes: [UInt8]
    var offset = 0

    mutating func take(_ count: Int) throws(Damaged) -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - offset else { throw Damaged(reason: "cut short at byte \(offset)") }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func int64() throws(Damaged) -> Int64 {
        Int64(littleEndian: try take(8).withUnsafeBytes { $0.loadUnaligned(as: Int64.self) })
    }

    mutating func double() throws(Damaged) -> Double { Double(bitPattern: UInt64(bitPattern: try int64())) }
    mutating func float() throws(Damaged) -> Float {
        Float(bitPattern: UInt32(littleEndian: try take(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
    }
    mutating func byte() throws(Damaged) -> UInt8 { try take(1).first! }

    mutating func string() throws(Damaged) -> String {
        let length = try int64()
        guard length >= 0, length <= 1 << 20 else { throw Damaged(reason: "a text of \(length) bytes at byte \(offset)") }
        return String(decoding: try take(Int(length)), as: UTF8.self)
    }
}
