import Foundation

/// A runbook file's bytes checked and normalised into text whose lines match the file's lines.
///
/// Line endings are normalised (`\r\n` and lone `\r` become `\n`, as CommonMark treats them) so that a
/// file saved on Windows parses identically; a leading UTF-8 byte-order mark is dropped for the same reason.
struct SourceText {
    /// The normalised text.
    let text: String
    /// How many lines `text` has: one more than it has `\n`s (after a final `\n` comes an empty line).
    let lineCount: Int

    /// Why bytes cannot be a runbook, with the line to blame.
    struct Rejection: Error {
        let line: Int
        let message: String
    }

    /// Checks and normalises `data`; rejects invalid UTF-8 and NUL bytes at their line.
    ///
    /// NUL is rejected although it is valid UTF-8: it cannot travel through a C string to the interpreter,
    /// so a step containing one would run something other than what the page shows.
    init(_ data: Data) throws(Rejection) {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes.removeFirst(3)
        }
        if let bad = Self.firstInvalidUTF8Offset(bytes) {
            throw Rejection(line: Self.line(at: bad, in: bytes), message: "not valid UTF-8 (first bad byte at offset \(bad))")
        }
        if let nul = Self.firstIndex(of: 0, in: bytes) {
            throw Rejection(line: Self.line(at: nul, in: bytes), message: "contains a NUL byte; runbooks are text")
        }
        let normalised = Self.normalisingLineEndings(bytes)
        // Counted, not split into an array of lines: the parser only walks the lines of the front matter.
        lineCount = Self.newlineCount(normalised) + 1
        text = String(decoding: normalised, as: UTF8.self)
    }

    /// The offset of the first `byte` in `bytes`; `memchr`, because every byte of every runbook is searched.
    private static func firstIndex(of byte: UInt8, in bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, let found = memchr(base, Int32(byte), buffer.count) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// How many `\n` bytes `bytes` holds; a plain loop over a buffer, which the compiler vectorises.
    private static func newlineCount(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { bytes in
            var count = 0
            for byte in bytes where byte == UInt8(ascii: "\n") {
                count += 1
            }
            return count
        }
    }

    /// The lines of `text` (without their `\n`) as ranges of its UTF-8 view, read on demand.
    ///
    /// Lines are split at the byte `\n`, which is always a Character of its own in normalised text.
    struct Lines: IteratorProtocol {
        private let utf8: String.UTF8View
        /// Where the next line starts; `nil` once the last line (the one not ended by `\n`) was returned.
        private var start: String.Index?

        init(_ text: String) {
            utf8 = text.utf8
            start = utf8.startIndex
        }

        mutating func next() -> Range<String.Index>? {
            guard let lineStart = start else { return nil }
            guard let newline = utf8[lineStart...].firstIndex(of: UInt8(ascii: "\n")) else {
                start = nil
                return lineStart..<utf8.endIndex
            }
            start = utf8.index(after: newline)
            return lineStart..<newline
        }
    }

    /// The byte offset of the start of the first invalid UTF-8 sequence, or `nil` if all is valid.
    ///
    /// Written out (Unicode table 3-7) rather than using a decoder, because decoders read ahead and
    /// would not say where the bad sequence starts.
    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        // Through a buffer pointer: this runs over every byte of every runbook, and array indexing
        // bounds-checks each access (the bounds are checked here once per sequence instead).
        bytes.withUnsafeBufferPointer { bytes in
            var index = 0
            while index < bytes.count {
                // Runbooks are nearly all ASCII: skip it eight bytes at a time (no byte has its top bit set).
                while index + 8 <= bytes.count,
                    UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                guard index < bytes.count else { break }
                let lead = bytes[index]
                if lead < 0x80 {
                    index += 1
                    continue
                }
                guard let (length, second) = sequenceShape(lead), index + length <= bytes.count,
                    second.contains(bytes[index + 1]),
                    bytes[(index + 2)..<(index + length)].allSatisfy({ (0x80...0xBF).contains($0) })
                else { return index }
                index += length
            }
            return nil
        }
    }

    /// Length and allowed second byte of a sequence starting with `lead`; `nil` for a byte that cannot lead.
    private static func sequenceShape(_ lead: UInt8) -> (Int, ClosedRange<UInt8>)? {
        switch lead {
        case 0xC2...0xDF: (2, 0x80...0xBF)
        case 0xE0: (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80...0xBF)
        case 0xED: (3, 0x80...0x9F)
        case 0xF0: (4, 0x90...0xBF)
        case 0xF1...0xF3: (4, 0x80...0xBF)
        case 0xF4: (4, 0x80...0x8F)
        default: nil
        }
    }

    /// 1-based line of byte `offset`, counting `\n`, `\r\n` and lone `\r` as the normalised text will.
    static func line(at offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        for index in 0..<min(offset, bytes.count) {
            switch bytes[index] {
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: "\r") where index + 1 >= bytes.count || bytes[index + 1] != UInt8(ascii: "\n"): line += 1
            default: break
            }
        }
        return line
    }

    private static func normalisingLineEndings(_ bytes: [UInt8]) -> [UInt8] {
        guard firstIndex(of: UInt8(ascii: "\r"), in: bytes) != nil else { return bytes }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\r") {
                result.append(UInt8(ascii: "\n"))
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
            } else {
                result.append(byte)
            }
            index += 1
        }
        return result
    }
}
