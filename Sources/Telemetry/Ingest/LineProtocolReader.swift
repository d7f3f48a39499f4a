import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The failure of one line; the reader adds the line number.
struct LineError: Error {
    let message: String
    /// Where in the line a string field opened that the line ended inside: it may go on past the newline.
    var openString: Int? = nil
    init(_ message: String, openString: Int? = nil) {
        self.message = message
        self.openString = openString
    }
}

/// One parse of one body: the batch being filled and scratch buffers reused from line to line.
struct LineProtocolReader {
    private struct FieldSpan {
        var keyStart: Int
        var keyEnd: Int
        var keyHasBackslash: Bool
        var value: Double
    }

    /// A tag's name and value inside `labels`, for sorting lines whose tags arrive out of order.
    struct TagSpan {
        var start: Int
        var nameEnd: Int
        var end: Int
    }

    let precision: TimestampPrecision
    let options: IngestOptions
    var batch: IngestBatch
    private var measurement: [UInt8] = []
    var labels: [UInt8] = []
    var tags: [TagSpan] = []
    private var fields: [FieldSpan] = []
    private var nonNumeric = 0
    /// The 1-based number of the line being read, for its errors and the drops noted while reading it.
    private var lineNumber = 1

    init(precision: TimestampPrecision, options: IngestOptions) {
        self.precision = precision
        self.options = options
        self.batch = IngestBatch(maximumErrors: options.maximumErrors)
        measurement.reserveCapacity(64)
        labels.reserveCapacity(256)
    }

    mutating func read(_ body: UnsafeBufferPointer<UInt8>) {
        guard let base = body.baseAddress, !body.isEmpty else { return }
        // A typical line is 60-100 bytes with one field.
        batch.reserve(samples: body.count / 64 + 1, identityBytes: body.count)
        var start = 0
        lineNumber = 1
        while start < body.count {
            var end = Self.lineEnd(base, from: start, count: body.count)
            // The lines this entry spans: more than one only when a string field holds newlines.
            var lines = 1
            while true {
                var line = UnsafeBufferPointer(start: base + start, count: end - start)
                if let last = line.last, last == UInt8(ascii: "\r") { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
                do {
                    try readLine(line)
                } catch {
                    // A string field may hold newlines, as InfluxDB reads it: the entry goes on to the first newline
                    // after the string's closing quote (or to the end of the body, where it is reported unclosed).
                    if let open = error.openString, end < body.count {
                        let next = Self.lineEnd(base, from: Self.closingQuote(body, from: start + open + 1) ?? body.count, count: body.count)
                        lines += Self.newlines(in: UnsafeBufferPointer(rebasing: body[end..<next]))
                        end = next
                        continue
                    }
                    batch.record(IngestError(.line(lineNumber), error.message))
                }
                break
            }
            lineNumber += lines
            start = end + 1
        }
    }

    private static func newlines(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    private static func lineEnd(_ base: UnsafePointer<UInt8>, from start: Int, count: Int) -> Int {
        var index = start
        while index < count, base[index] != UInt8(ascii: "\n") { index += 1 }
        return index
    }

    private mutating func readLine(_ line: UnsafeBufferPointer<UInt8>) throws(LineError) {
        var position = 0
        // Only spaces: InfluxDB reads a tab at the start as a control character in the measurement.
        while position < line.count, line[position] == UInt8(ascii: " ") { position += 1 }
        if position == line.count || line[position] == UInt8(ascii: "#") { return }
        if !Self.isASCII(line), String(validating: line, as: UTF8.self) == nil { throw LineError("invalid UTF-8") }
        measurement.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        tags.removeAll(keepingCapacity: true)
        fields.removeAll(keepingCapacity: true)
        nonNumeric = 0

        let (measurementEnd, measurementEscaped) = try Self.scan(line, from: position, .measurement)
        guard measurementEnd > position else { throw LineError("missing measurement") }
        Self.appendUnescaped(line, position..<measurementEnd, escaped: measurementEscaped, measurement: true, to: &measurement)
        position = measurementEnd
        while position < line.count, line[position] == UInt8(ascii: ",") {
            position = try readTag(line, from: position + 1)
        }
        try sortTagsIfNeeded()
        guard position < line.count else { throw LineError("missing fields") }
        while position < line.count, line[position] == UInt8(ascii: " ") { position += 1 }
        guard position < line.count else { throw LineError("missing fields") }
        position = try readFields(line, from: position)
        let timestamp = try readTimestamp(line, from: position)
        emit(line, timestamp: timestamp)
    }

    /// Reads `key=value` after a comma; returns the position after the value.
    private mutating func readTag(_ line: UnsafeBufferPointer<UInt8>, from start: Int) throws(LineError) -> Int {
        let (keyEnd, keyEscaped) = try Self.scan(line, from: start, .tagKey)
        guard keyEnd > start else { throw LineError("empty tag key") }
        guard keyEnd < line.count, line[keyEnd] == UInt8(ascii: "=") else {
            throw LineError("tag \(Self.quoted(line, start..<keyEnd)): missing \"=\"")
        }
        let (valueEnd, valueEscaped) = try Self.scan(line, from: keyEnd + 1, .tagValue)
        guard valueEnd > keyEnd + 1 else { throw LineError("tag \(Self.quoted(line, start..<keyEnd)): missing value") }
        guard valueEnd == line.count || line[valueEnd] != UInt8(ascii: "=") else {
            throw LineError("tag \(Self.quoted(line, start..<keyEnd)): \"=\" in the value must be escaped as \\=")
        }
        let spanStart = labels.count
        Self.appendPart(line, start..<keyEnd, escaped: keyEscaped, to: &labels)
        let nameEnd = labels.count
        Self.appendPart(line, (keyEnd + 1)..<valueEnd, escaped: valueEscaped, to: &labels)
        tags.append(TagSpan(start: spanStart, nameEnd: nameEnd, end: labels.count))
        return valueEnd
    }

    /// Reads the field set; returns the position after it.
    private mutating func readFields(_ line: UnsafeBufferPointer<UInt8>, from start: Int) throws(LineError) -> Int {
        var position = start
        while true {
            let keyStart = position
            let (keyEnd, keyEscaped) = try Self.scan(line, from: position, .fieldKey)
            guard keyEnd > keyStart else { throw LineError("missing field key") }
            // Named lazily: a String per field would cost more than parsing it.
            var name: String { Self.quoted(line, keyStart..<keyEnd) }
            guard keyEnd < line.count, line[keyEnd] == UInt8(ascii: "=") else { throw LineError("field \(name): missing \"=\" and value") }
            position = keyEnd + 1
            guard position < line.count, line[position] != UInt8(ascii: " "), line[position] != UInt8(ascii: ",") else {
                throw LineError("field \(name): missing value")
            }
            if line[position] == UInt8(ascii: "\"") {
                position = try Self.skipString(line, from: position + 1, field: name)
                nonNumeric += 1
            } else {
                var valueEnd = position
                while valueEnd < line.count, line[valueEnd] != UInt8(ascii: " "), line[valueEnd] != UInt8(ascii: ",") { valueEnd += 1 }
                let value = try Self.fieldValue(UnsafeBufferPointer(rebasing: line[position..<valueEnd]), line: line, key: keyStart..<keyEnd)
                fields.append(FieldSpan(keyStart: keyStart, keyEnd: keyEnd, keyHasBackslash: keyEscaped, value: value))
                position = valueEnd
            }
            guard position < line.count, line[position] == UInt8(ascii: ",") else { return position }
            position += 1
        }
    }

    /// The line's timestamp in milliseconds, or the ingest time when the line has none; nil when it lies outside the
    /// accepted window (counted, not an error, unless another unit would put it inside).
    private mutating func readTimestamp(_ line: UnsafeBufferPointer<UInt8>, from start: Int) throws(LineError) -> Int64? {
        var position = start
        while position < line.count, line[position] == UInt8(ascii: " ") { position += 1 }
        guard position < line.count else { return options.ingestTimeMilliseconds }
        var end = position
        while end < line.count, line[end] != UInt8(ascii: " ") { end += 1 }
        let text = UnsafeBufferPointer(rebasing: line[position..<end])
        guard let raw = DecimalNumber.int64(text) else { throw LineError("invalid timestamp \(IngestError.quoted(text))") }
        guard let milliseconds = precision.milliseconds(raw) else { throw LineError("timestamp \(IngestError.quoted(text)) out of range") }
        while end < line.count, line[end] == UInt8(ascii: " ") { end += 1 }
        guard end == line.count else {
            throw LineError("unexpected text after the timestamp: \(Self.quoted(line, end..<line.count))")
        }
        guard options.accepts(timestampMilliseconds: milliseconds) else {
            guard let likely = likelyPrecision(raw) else {
                batch.noteDrop(IngestError(.line(lineNumber), "timestamp \(IngestError.quoted(text)): \(options.outsideWindow(milliseconds))"))
                return nil
            }
            // A point dropped for its time would be a silent gap in someone's graph: say what the number looks like.
            throw LineError("timestamp \(IngestError.quoted(text)) read as \(precision.unitName) is "
                + "\(IngestOptions.date(milliseconds)), outside the accepted window; it looks like \(likely.unitName): add "
                + "?precision=\(likely.queryValue)")
        }
        return milliseconds
    }

    /// The other precision under which `raw` falls in the accepted window, if one does (the coarsest first).
    private func likelyPrecision(_ raw: Int64) -> TimestampPrecision? {
        [TimestampPrecision.seconds, .milliseconds, .microseconds, .nanoseconds].first { candidate in
            candidate != precision && candidate.milliseconds(raw).map { options.accepts(timestampMilliseconds: $0) } == true
        }
    }

    private mutating func emit(_ line: UnsafeBufferPointer<UInt8>, timestamp: Int64?) {
        batch.rejections.nonNumeric += nonNumeric
        guard let timestamp else {
            batch.rejections.outOfWindow += fields.count
            return
        }
        for field in fields {
            let start = batch.identityBytes.count
            SeriesIdentity.appendLength(0, to: &batch.identityBytes)
            batch.identityBytes.append(contentsOf: measurement)
            batch.identityBytes.append(UInt8(ascii: "_"))
            Self.appendUnescaped(line, field.keyStart..<field.keyEnd, escaped: field.keyHasBackslash, measurement: false, to: &batch.identityBytes)
            SeriesIdentity.patchLength(at: start, batch.identityBytes.count - start - 4, in: &batch.identityBytes)
            batch.identityBytes.append(contentsOf: labels)
            batch.finishIdentity(from: start)
            batch.appendSample(Sample(timestampMilliseconds: timestamp, value: field.value))
        }
    }
}

/// The parts of a line before its fields, which share one syntax: text up to an unescaped separator.
enum LineToken {
    case measurement, tagKey, tagValue, fieldKey

    var name: String {
        switch self {
        case .measurement: "measurement"
        case .tagKey: "tag key"
        case .tagValue: "tag value"
        case .fieldKey: "field key"
        }
    }
}

extension LineProtocolReader {
    /// Scans a token up to an unescaped comma, space or (except in measurements) equals sign.
    ///
    /// As InfluxDB reads it: a backslash escapes only those separators and is otherwise an ordinary character, so
    /// `two\\ words` is `two\ words` (the first backslash escapes nothing, the second the space). Control characters
    /// (0-31 and 127) are errors, as they are to InfluxDB.
    static func scan(_ line: UnsafeBufferPointer<UInt8>, from start: Int, _ token: LineToken) throws(LineError) -> (end: Int, escaped: Bool) {
        let measurement = token == .measurement
        var index = start
        var escaped = false
        while index < line.count {
            let byte = line[index]
            if isSeparator(byte, measurement: measurement) { break }
            if byte < 0x20 || byte == 0x7F {
                throw LineError("\(token.name) contains the control character \(controlName(byte)) at column \(index + 1)")
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                if index + 1 < line.count, isSeparator(line[index + 1], measurement: measurement) { index += 1 }
            }
            index += 1
        }
        return (index, escaped)
    }

    @inline(__always)
    private static func isSeparator(_ byte: UInt8, measurement: Bool) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: " ") || (!measurement && byte == UInt8(ascii: "="))
    }

    /// `\t`, `\x01`: how a control character is named in a message.
    private static func controlName(_ byte: UInt8) -> String {
        switch byte {
        case 0x09: #"\t"#
        case 0x0D: #"\r"#
        default: "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
        }
    }

    /// Appends a token without its escapes: `\,` and `\ ` everywhere, `\=` except in measurements.
    /// Other backslashes stay, as in InfluxDB.
    static func appendUnescaped(
        _ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, escaped: Bool, measurement: Bool, to bytes: inout [UInt8]
    ) {
        guard escaped else {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: line[range]))
            return
        }
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = line[index]
            if byte == UInt8(ascii: "\\"), index + 1 < range.upperBound {
                let next = line[index + 1]
                if next == UInt8(ascii: ",") || next == UInt8(ascii: " ") || (!measurement && next == UInt8(ascii: "=")) {
                    bytes.append(next)
                    index += 2
                    continue
                }
            }
            bytes.append(byte)
            index += 1
        }
    }

    /// Appends a length-prefixed identity part (see `SeriesIdentity`).
    static func appendPart(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, escaped: Bool, to bytes: inout [UInt8]) {
        let start = bytes.count
        SeriesIdentity.appendLength(0, to: &bytes)
        appendUnescaped(line, range, escaped: escaped, measurement: false, to: &bytes)
        SeriesIdentity.patchLength(at: start, bytes.count - start - 4, in: &bytes)
    }

    /// Returns the position after the closing quote of a string field value.
    static func skipString(_ line: UnsafeBufferPointer<UInt8>, from start: Int, field: @autoclosure () -> String) throws(LineError) -> Int {
        guard let end = closingQuote(line, from: start) else {
            throw LineError("field \(field()): string value without a closing quote", openString: start - 1)
        }
        return end
    }

    /// The position after the quote that closes a string value starting at `start` (after `\\` and `\"`), if any.
    static func closingQuote(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return nil
    }

    /// A numeric field value: float, `i` integer, `u` unsigned integer or boolean.
    static func fieldValue(_ text: UnsafeBufferPointer<UInt8>, line: UnsafeBufferPointer<UInt8>, key: Range<Int>) throws(LineError) -> Double {
        var field: String { quoted(line, key) }
        switch text.last {
        case UInt8(ascii: "i"):
            guard let value = DecimalNumber.int64(UnsafeBufferPointer(rebasing: text.dropLast())) else {
                throw LineError("field \(field): invalid integer \(IngestError.quoted(text))")
            }
            return Double(value)
        case UInt8(ascii: "u"):
            guard let value = DecimalNumber.uint64(UnsafeBufferPointer(rebasing: text.dropLast())) else {
                throw LineError("field \(field): invalid unsigned integer \(IngestError.quoted(text))")
            }
            return Double(value)
        default:
            if let value = DecimalNumber.double(text) {
                guard value.isFinite else { throw LineError("field \(field): \(IngestError.quoted(text)) is out of range") }
                return value
            }
            if let flag = boolean(text) { return flag ? 1 : 0 }
            throw LineError("field \(field): invalid number \(IngestError.quoted(text))")
        }
    }

    /// t, T, true, True, TRUE and the same spellings of false.
    static func boolean(_ text: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch String(decoding: text, as: UTF8.self) {
        case "t", "T", "true", "True", "TRUE": true
        case "f", "F", "false", "False", "FALSE": false
        default: nil
        }
    }

    static func quoted(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        IngestError.quoted(UnsafeBufferPointer(rebasing: line[range]))
    }

    /// Eight bytes at a time: UTF-8 validation is only needed when some byte is not ASCII.
    static func isASCII(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = line.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var bits: UInt64 = 0
        var index = 0
        while index + 8 <= line.count {
            bits |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < line.count {
            bits |= UInt64(line[index])
            index += 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    /// Puts tags in byte order of names, as the identity requires, and rejects a repeated name.
    /// Sorted input, the common case, is only compared.
    mutating func sortTagsIfNeeded() throws(LineError) {
        guard tags.count > 1 else { return }
        let sorted = labels.withUnsafeBufferPointer { bytes in
            for index in 1..<tags.count where Self.compareNames(tags[index - 1], tags[index], in: bytes) >= 0 { return false }
            return true
        }
        if !sorted { try sortTags() }
    }

    private mutating func sortTags() throws(LineError) {
        let original = labels
        var rebuilt: [UInt8] = []
        rebuilt.reserveCapacity(original.count)
        let duplicate: String? = original.withUnsafeBufferPointer { bytes in
            tags.sort { Self.compareNames($0, $1, in: bytes) < 0 }
            for (index, tag) in tags.enumerated() {
                if index > 0, Self.compareNames(tags[index - 1], tag, in: bytes) == 0 {
                    return String(decoding: bytes[(tag.start + 4)..<tag.nameEnd], as: UTF8.self)
                }
                rebuilt.append(contentsOf: bytes[tag.start..<tag.end])
            }
            return nil
        }
        if let duplicate { throw LineError("tag \"\(duplicate)\" appears twice") }
        labels = rebuilt
    }

    /// Byte-order comparison of two tag names (after their length prefixes).
    private static func compareNames(_ left: TagSpan, _ right: TagSpan, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let leftCount = left.nameEnd - left.start - 4
        let rightCount = right.nameEnd - right.start - 4
        let order = memcmp(bytes.baseAddress! + left.start + 4, bytes.baseAddress! + right.start + 4, min(leftCount, rightCount))
        if order != 0 { return Int(order) }
        return leftCount == rightCount ? 0 : (leftCount < rightCount ? -1 : 1)
    }
}
