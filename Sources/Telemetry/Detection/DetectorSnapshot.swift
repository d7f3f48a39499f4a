import Foundation

/// What the detectors of the watched series have learned, saved in the data directory so a restart does not put
/// every series back into its warm-up (150 samples: hours of blindness during an incident).
///
/// The file: `RBDS`, the format's version, the number of series, then per series its name and labels, the time of
/// its last sample and its detector's state (``SeriesDetector`` `encode(into:)`), and an FNV-1a checksum of all of
/// it. Written to a temporary file and renamed over the old one, so a crash leaves the old or the new; not synced, since
/// losing it costs only a warm-up: a file a power cut damaged fails its checksum. A file that is cut short, fails its
/// checksum or has another version is reported and ignored: the series start afresh.
public enum DetectorSnapshot {
    static let magic = Array("RBDS".utf8)
    /// Changes whenever the detector's encoded state does.
    public static let version: Int64 = 2

    /// One series as saved.
    public struct Series: Sendable {
        public let key: SeriesKey
        public let lastTimestamp: Int64
        public let detector: SeriesDetector

        public init(key: SeriesKey, lastTimestamp: Int64, detector: SeriesDetector) {
            self.key = key
            self.lastTimestamp = lastTimestamp
            self.detector = detector
        }
    }

    /// Why a snapshot was not restored.
    public struct Unusable: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "detector snapshot \(path): \(reason); every series starts its warm-up again" }
    }

    /// Writes `series` (most recently active first) to `path`, as many as fit in `budget` bytes.
    ///
    /// - Returns: how many series were saved and how many the budget left out.
    public static func write(_ series: [Series], to path: String, budget: Int) throws -> (saved: Int, leftOut: Int) {
        var body = SnapshotBytes()
        var saved = 0
        for entry in series {
            var one = SnapshotBytes()
            one.put(entry.key.metric)
            one.put(Int64(entry.key.labels.count))
            for label in entry.key.labels {
                one.put(label.name)
                one.put(label.value)
            }
            one.put(entry.lastTimestamp)
            entry.detector.encode(into: &one)
            guard body.bytes.count + one.bytes.count <= budget else { break }
            body.bytes += one.bytes
            saved += 1
        }
        var file = SnapshotBytes()
        file.bytes = magic
        file.put(version)
        file.put(Int64(saved))
        file.bytes += body.bytes
        file.put(Int64(bitPattern: checksum(file.bytes[...])))
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(file.bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        return (saved, series.count - saved)
    }

    /// The series saved at `path`, each detector with the settings `settings` gives its series now; nil when there is
    /// no file.
    ///
    /// - Throws: ``Unusable`` naming what is wrong with the file.
    public static func read(from path: String, settings: (SeriesKey) -> DetectorSettings) throws(Unusable) -> [Series]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw Unusable(path: path, reason: "cannot be read") }
        let bytes = [UInt8](data)
        guard bytes.count >= 28, Array(bytes[0..<4]) == magic else { throw Unusable(path: path, reason: "not a detector snapshot") }
        var trailer = SnapshotReader(bytes: bytes, offset: bytes.count - 8)
        guard let stored = try? trailer.int64(), UInt64(bitPattern: stored) == checksum(bytes[..<(bytes.count - 8)]) else {
            throw Unusable(path: path, reason: "its checksum does not match (cut short or damaged)")
        }
        var reader = SnapshotReader(bytes: Array(bytes[..<(bytes.count - 8)]), offset: 4)
        do throws(SnapshotReader.Damaged) {
            let found = try reader.int64()
            guard found == version else {
                throw SnapshotReader.Damaged(reason: "format version \(found), this server reads version \(version)")
            }
            let count = try reader.int64()
            guard count >= 0 else { throw SnapshotReader.Damaged(reason: "a negative number of series") }
            var series: [Series] = []
            for _ in 0..<count {
                let metric = try reader.string()
                var labels: [SeriesKey.Label] = []
                for _ in 0..<(try reader.int64()) { labels.append(SeriesKey.Label(name: try reader.string(), value: try reader.string())) }
                let key = SeriesKey(metric: metric, sortedLabels: labels)
                let lastTimestamp = try reader.int64()
                series.append(Series(key: key, lastTimestamp: lastTimestamp, detector: try SeriesDetector(decoding: &reader, settings: settings(key))))
            }
            guard reader.offset == reader.bytes.count else { throw SnapshotReader.Damaged(reason: "bytes after the last series") }
            return series
        } catch {
            throw Unusable(path: path, reason: error.reason)
        }
    }

    /// FNV-1a, 64 bits: enough to tell a damaged file, not meant against forgery (the data directory is trusted).
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
