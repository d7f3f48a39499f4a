internal import CZlib
import Foundation

/// The intake journal of an audit branch: entries that are durable on disk and acknowledged, and not yet
/// committed to the branch.
///
/// A server appends each batch of entries here with one `fdatasync` and answers; git commits follow within a
/// commit cycle, carrying many batches at once (see ``AuditLog/journal(_:)``). The journal is a folder,
/// `<gitdir>/runbook-<branch>.journal/`, of numbered segments. Appends go to the newest; each commit cycle
/// seals it, and once the cycle's commit is on disk its segments are deleted, so a sustained storm never
/// rewrites or copies what it has written and the folder stays one or two cycles long.
///
/// A segment starts with a header, `RBJ1`, the branch head (`base`, 20 bytes, zeros before the first commit) its
/// writer knew was committed, and `skip`, how many journaled entries older segments held that were not in that
/// head yet. Then records: a little-endian length and CRC-32, then one entry. Recovery reads the oldest
/// segment's header, counts the events the branch holds after `base` (``AuditLog`` counts a commit's
/// `Events:` trailer, else one), and commits every entry after the first `count - skip`. A record that is cut
/// short or fails its CRC ends its segment's entries: it was never acknowledged.
final class AuditJournal {
    /// The journal's folder.
    let folder: String
    /// The segment appends go to; nil until the next append creates one.
    private var active: Segment?
    /// Older segments, oldest first: every entry in them is being committed, or waits to be.
    private var sealed: [Segment] = []
    private var nextNumber = 1

    static let magic = Array("RBJ1".utf8)
    static let headerSize = 4 + 20 + 8

    private struct Segment {
        let path: String
        let descriptor: Int32
        var length: Int
        var records: Int
    }

    /// The journal in `folder` (created with the first segment).
    init(folder: String) {
        self.folder = folder
    }

    deinit {
        for segment in sealed + (active.map { [$0] } ?? []) { close(segment.descriptor) }
    }

    /// Entries journaled and not yet handed to a commit cycle, plus those sealed: everything not known committed.
    var uncommitted: Int { sealed.reduce(0) { $0 + $1.records } + (active?.records ?? 0) }

    /// Appends `entries` and syncs them: when this returns they survive a crash.
    ///
    /// - Parameter base: the head known committed, for the header of a segment this append creates.
    /// - Throws: ``WikiError/noSpace(path:)`` when the disk is full, ``WikiError/syncFailed(path:reason:)`` for other
    ///   failures; the segment is cut back to what it held before, so nothing of this append remains.
    func append(_ entries: [AuditEntry], base: ObjectID?) throws {
        guard !entries.isEmpty else { return }
        if active == nil { active = try createSegment(base: base, skip: uncommitted) }
        var bytes: [UInt8] = []
        for entry in entries { Self.appendRecord(entry, to: &bytes) }
        let segment = active!
        do {
            try Self.write(bytes, to: segment.descriptor, at: segment.length, path: segment.path)
            guard fdatasync(segment.descriptor) == 0 else { throw WikiError.fileFailure("sync", segment.path) }
        } catch {
            _ = ftruncate(segment.descriptor, off_t(segment.length))
            throw error
        }
        active!.length += bytes.count
        active!.records += entries.count
    }

    /// Seals the active segment for a commit cycle: later appends go to a new one.
    func seal() {
        if let active { sealed.append(active) }
        active = nil
    }

    /// Deletes the sealed segments, whose entries are now all on the branch; with `everything`, the active one too
    /// (it holds no entries: its appends failed). Deleting need not be synced: a segment that comes back after a
    /// crash holds entries recovery finds committed.
    func retireSealed(everything: Bool = false) {
        if everything, let active {
            sealed.append(active)
            self.active = nil
        }
        for segment in sealed {
            close(segment.descriptor)
            unlink(segment.path)
        }
        sealed = []
    }

    // MARK: - Segments

    private func createSegment(base: ObjectID?, skip: Int) throws -> Segment {
        if mkdir(folder, 0o755) != 0, errno != EEXIST { throw WikiError.fileFailure("create", folder) }
        var path: String
        var descriptor: Int32
        repeat {
            // Never over a segment that exists: recovery removes those before a writer journals, but a number taken
            // by anything else is skipped rather than truncated.
            path = folder + "/" + String(format: "%012d", nextNumber)
            nextNumber += 1
            descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        } while descriptor < 0 && errno == EEXIST
        guard descriptor >= 0 else { throw WikiError.fileFailure("create", path) }
        var header = Self.magic + (base?.bytes ?? [UInt8](repeating: 0, count: 20))
        withUnsafeBytes(of: UInt64(skip).littleEndian) { header += $0 }
        do {
            try Self.write(header, to: descriptor, at: 0, path: path)
            // The name must be on disk before an entry in the file is acknowledged; the header goes with the first
            // append's sync.
            try PackFolder.sync(folder)
        } catch {
            close(descriptor)
            unlink(path)
            throw error
        }
        return Segment(path: path, descriptor: descriptor, length: header.count, records: 0)
    }

    // MARK: - Reading (recovery)

    /// What a journal folder holds: the oldest segment's header and every entry in order.
    struct Contents {
        let base: ObjectID?
        let skip: Int
        let entries: [AuditEntry]
        /// Segments whose header is not a journal's, with the reason; their entries cannot be read.
        let unreadable: [String]
    }

    /// Reads the journal in `folder`; nil when it holds no segment.
    static func read(folder: String) throws -> Contents? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        let segments = names.filter { Int($0) != nil }.sorted()
        guard !segments.isEmpty else { return nil }
        var header: (base: ObjectID?, skip: Int)?
        var entries: [AuditEntry] = []
        var unreadable: [String] = []
        for name in segments {
            let path = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else {
                unreadable.append("\(path): cannot be read")
                continue
            }
            let bytes = [UInt8](data)
            guard bytes.count >= headerSize, Array(bytes[0..<4]) == magic else {
                // A segment created and never appended to may be empty after a crash; anything else is damage.
                if !bytes.isEmpty { unreadable.append("\(path): not a journal segment") }
                continue
            }
            if header == nil {
                let base = Array(bytes[4..<24])
                let skip = bytes[24..<32].reversed().reduce(0) { $0 << 8 | Int($1) }
                header = (base.allSatisfy { $0 == 0 } ? nil : ObjectID(bytes: base), skip)
            }
            entries += records(in: bytes)
        }
        guard let header else { return unreadable.isEmpty ? nil : Contents(base: nil, skip: 0, entries: [], unreadable: unreadable) }
        return Contents(base: header.base, skip: header.skip, entries: entries, unreadable: unreadable)
    }

    /// Removes the journal folder's segments (after recovery committed them).
    static func removeSegments(folder: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where Int(name) != nil {
            unlink(folder + "/" + name)
        }
    }

    /// The entries of one segment, up to the first record cut short or damaged.
    private static func records(in bytes: [UInt8]) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        var offset = headerSize
        while offset + 8 <= bytes.count {
            let length = Int(UInt32(littleEndian: bytes[offset..<offset + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
            let crc = UInt32(littleEndian: bytes[offset + 4..<offset + 8].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
            let start = offset + 8
            guard length <= bytes.count - start else { break }
            let payload = bytes[start..<start + length]
            var reader = EntryReader(payload)
            guard checksum(payload) == crc, let entry = try? reader.entry() else { break }
            entries.append(entry)
            offset = start + length
        }
        return entries
    }

    // MARK: - Encoding

    private static func appendRecord(_ entry: AuditEntry, to bytes: inout [UInt8]) {
        var payload: [UInt8] = []
        payload.reserveCapacity(1024)
        func put(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { payload += $0 } }
        func put(_ text: String) { put(text.utf8.count); payload += text.utf8 }
        func put(_ data: Data) { put(data.count); payload += data }
        put(entry.changes.count)
        for change in entry.changes {
            switch change {
            case .write(let path, let contents, let executable):
                payload.append(executable ? 1 : 0)
                put(path)
                put(contents)
            case .delete(let path):
                payload.append(2)
                put(path)
            }
        }
        put(entry.message)
        put(entry.trailers.count)
        for trailer in entry.trailers {
            put(trailer.key)
            put(trailer.value)
        }
        put(entry.author.name)
        put(entry.author.email)
        withUnsafeBytes(of: Int64(entry.author.time.timeIntervalSince1970).littleEndian) { payload += $0 }
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: checksum(payload[...]).littleEndian) { bytes += $0 }
        bytes += payload
    }

    /// Reads back what ``appendRecord(_:to:)`` wrote.
    private struct EntryReader {
        struct Truncated: Error {}
        let bytes: ArraySlice<UInt8>
        var offset: Int

        init(_ bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            offset = bytes.startIndex
        }

        mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, count <= bytes.endIndex - offset else { throw Truncated() }
            defer { offset += count }
            return bytes[offset..<offset + count]
        }

        mutating func number() throws -> Int {
            Int(UInt32(littleEndian: try take(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
        }

        mutating func text() throws -> String { String(decoding: try take(number()), as: UTF8.self) }

        mutating func entry() throws -> AuditEntry {
            var changes: [FileChange] = []
            for _ in 0..<(try number()) {
                let kind = try take(1).first!
                let path = try text()
                changes.append(kind == 2 ? .delete(path: path) : .write(path: path, contents: Data(try take(number())), executable: kind == 1))
            }
            let message = try text()
            var trailers: [Trailer] = []
            for _ in 0..<(try number()) { trailers.append(Trailer(try text(), try text())) }
            let name = try text()
            let email = try text()
            let seconds = Int64(littleEndian: try take(8).withUnsafeBytes { $0.loadUnaligned(as: Int64.self) })
            return AuditEntry(changes: changes, message: message, trailers: trailers,
                              author: Signature(name: name, email: email, time: Date(timeIntervalSince1970: TimeInterval(seconds))))
        }
    }

    private static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32, at position: Int, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + offset, $0.count - offset, off_t(position + offset)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw WikiError.fileFailure("write", path) }
            offset += written
        }
    }
}
