/// Reads the Prometheus text exposition format, the body of `POST /api/v1/import/prometheus`.
///
/// `name{label="value",...} value [timestamp_ms]`; `# HELP`, `# TYPE` and other comments are
/// skipped, as are blank lines. Label values may use the escapes `\\`, `\"` and `\n`; a label
/// with an empty value is the same as no label, as in Prometheus. `NaN`, `+Inf` and `-Inf` parse
/// but are counted as non-finite, not kept. A sample without a timestamp gets the ingest time.
/// Histogram and summary series (`_bucket`, `_sum`, `_count`, `quantile`) are ordinary series.
/// A bad line is dropped and reported with its 1-based number; the other lines are kept.
public struct PrometheusTextParser: TextIngestParser {
    public init() {}

    /// Parses a body given as raw bytes.
    public func parse(_ body: UnsafeRawBufferPointer, options: IngestOptions) -> IngestBatch {
        var reader = PrometheusTextReader(options: options)
        reader.read(body.bindMemory(to: UInt8.self))
        return reader.batch
    }
}

struct PrometheusTextReader {
    /// A label inside `scratch`: name and unescaped value.
    private struct LabelSpan {
        var name: Range<Int>
        var value: Range<Int>
    }

    let options: IngestOptions
    var batch: IngestBatch
    private var scratch: [UInt8] = []
    private var labels: [LabelSpan] = []

    init(options: IngestOptions) {
        self.options = options
        batch = IngestBatch(maximumErrors: options.maximumErrors)
    }

    mutating func read(_ body: UnsafeBufferPointer<UInt8>) {
        var start = 0
        var number = 0
        while start < body.count {
            number += 1
            var end = start
            while end < body.count, body[end] != UInt8(ascii: "\n") { end += 1 }
            var line = UnsafeBufferPointer(rebasing: body[start..<end])
            if let last = line.last, last == UInt8(ascii: "\r") { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
            do {
                try readLine(line)
            } catch {
                batch.record(IngestError(.line(number), error.message))
            }
            start = end + 1
        }
    }

    private mutating func readLine(_ line: UnsafeBufferPointer<UInt8>) throws(LineError) {
        var position = Self.skipBlanks(line, from: 0)
        if position == line.count || line[position] == UInt8(ascii: "#") { return }
        if !LineProtocolReader.isASCII(line), String(validating: line, as: UTF8.self) == nil { throw LineError("invalid UTF-8") }
        scratch.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        let nameStart = position
        while position < line.count, Self.isNameByte(line[position], first: position == nameStart, colon: true) { position += 1 }
        guard position > nameStart else { throw LineError("invalid metric name at \(LineProtocolReader.quoted(line, nameStart..<line.count))") }
        let name = nameStart..<position
        position = Self.skipBlanks(line, from: position)
        if position < line.count, line[position] == UInt8(ascii: "{") {
            position = try readLabels(line, from: position + 1)
        }
        let valueStart = Self.skipBlanks(line, from: position)
        guard valueStart < line.count else { throw LineError("missing value") }
        var valueEnd = valueStart
        while valueEnd < line.count, line[valueEnd] != UInt8(ascii: " "), line[valueEnd] != UInt8(ascii: "\t") { valueEnd += 1 }
        let valueText = UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd])
        guard let value = Self.value(valueText) else { throw LineError("invalid value \(IngestError.quoted(valueText))") }
        let timestamp = try readTimestamp(line, from: valueEnd)
        guard value.isFinite else { batch.rejections.nonFinite += 1; return }
        guard options.accepts(timestampMilliseconds: timestamp) else { batch.rejections.outOfWindow += 1; return }
        try emit(line, name: name, sample: Sample(timestampMilliseconds: timestamp, value: value))
    }

    /// Reads `name="value",...}` after the brace; returns the position after the closing brace.
    private mutating func readLabels(_ line: UnsafeBufferPointer<UInt8>, from start: Int) throws(LineError) -> Int {
        var position = start
        while true {
            position = Self.skipBlanks(line, from: position)
            guard position < line.count else { throw LineError("labels without a closing \"}\"") }
            if line[position] == UInt8(ascii: "}") { return position + 1 }
            let nameStart = position
            while position < line.count, Self.isNameByte(line[position], first: position == nameStart, colon: false) { position += 1 }
            guard position > nameStart else { throw LineError("invalid label name at \(LineProtocolReader.quoted(line, nameStart..<line.count))") }
            let nameEnd = position
            position = Self.skipBlanks(line, from: position)
            guard position < line.count, line[position] == UInt8(ascii: "=") else {
                throw LineError("label \(LineProtocolReader.quoted(line, nameStart..<nameEnd)): expected \"=\"")
            }
            position = Self.skipBlanks(line, from: position + 1)
            guard position < line.count, line[position] == UInt8(ascii: "\"") else {
                throw LineError("label \(LineProtocolReader.quoted(line, nameStart..<nameEnd)): value must be in double quotes")
            }
            let nameInScratch = scratch.count..<(scratch.count + nameEnd - nameStart)
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: line[nameStart..<nameEnd]))
            let valueStart = scratch.count
            position = try readQuoted(line, from: position + 1, label: nameStart..<nameEnd)
            if scratch.count > valueStart {
                labels.append(LabelSpan(name: nameInScratch, value: valueStart..<scratch.count))
            }
            position = Self.skipBlanks(line, from: position)
            guard position < line.count else { throw LineError("labels without a closing \"}\"") }
            if line[position] == UInt8(ascii: ",") {
                position += 1
            } else if line[position] != UInt8(ascii: "}") {
                throw LineError("expected \",\" or \"}\" after label \(LineProtocolReader.quoted(line, nameStart..<nameEnd))")
            }
        }
    }

    /// Unescapes a label value into `scratch`; returns the position after the closing quote.
    private mutating func readQuoted(_ line: UnsafeBufferPointer<UInt8>, from start: Int, label: Range<Int>) throws(LineError) -> Int {
        var position = start
        while position < line.count {
            let byte = line[position]
            if byte == UInt8(ascii: "\"") { return position + 1 }
            if byte == UInt8(ascii: "\\") {
                guard position + 1 < line.count else { break }
                switch line[position + 1] {
                case UInt8(ascii: "\\"): scratch.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "\""): scratch.append(UInt8(ascii: "\""))
                case UInt8(ascii: "n"): scratch.append(UInt8(ascii: "\n"))
                default:
                    let escape = LineProtocolReader.quoted(line, position..<(position + 2))
                    throw LineError("label \(LineProtocolReader.quoted(line, label)): invalid escape \(escape) (only \\\\, \\\" and \\n)")
                }
                position += 2
            } else {
                scratch.append(byte)
                position += 1
            }
        }
        throw LineError("label \(LineProtocolReader.quoted(line, label)): value without a closing quote")
    }

    private func readTimestamp(_ line: UnsafeBufferPointer<UInt8>, from start: Int) throws(LineError) -> Int64 {
        let position = Self.skipBlanks(line, from: start)
        guard position < line.count else { return options.ingestTimeMilliseconds }
        var end = position
        while end < line.count, line[end] != UInt8(ascii: " "), line[end] != UInt8(ascii: "\t") { end += 1 }
        let text = UnsafeBufferPointer(rebasing: line[position..<end])
        guard let timestamp = DecimalNumber.int64(text) else { throw LineError("invalid timestamp \(IngestError.quoted(text))") }
        guard Self.skipBlanks(line, from: end) == line.count else {
            throw LineError("unexpected text after the timestamp: \(LineProtocolReader.quoted(line, end..<line.count))")
        }
        return timestamp
    }

    private mutating func emit(_ line: UnsafeBufferPointer<UInt8>, name: Range<Int>, sample: Sample) throws(LineError) {
        let duplicate: String? = scratch.withUnsafeBufferPointer { bytes in
            labels.sort { Self.precedes(bytes[$0.name], bytes[$1.name]) }
            for index in labels.indices.dropFirst() where bytes[labels[index - 1].name].elementsEqual(bytes[labels[index].name]) {
                return String(decoding: bytes[labels[index].name], as: UTF8.self)
            }
            let start = batch.identityBytes.count
            SeriesIdentity.appendPart(UnsafeBufferPointer(rebasing: line[name]), to: &batch.identityBytes)
            for label in labels {
                SeriesIdentity.appendPart(UnsafeBufferPointer(rebasing: bytes[label.name]), to: &batch.identityBytes)
                SeriesIdentity.appendPart(UnsafeBufferPointer(rebasing: bytes[label.value]), to: &batch.identityBytes)
            }
            batch.finishIdentity(from: start)
            return nil
        }
        if let duplicate { throw LineError("label \"\(duplicate)\" appears twice") }
        batch.appendSample(sample)
    }

    private static func precedes(_ left: Slice<UnsafeBufferPointer<UInt8>>, _ right: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        left.lexicographicallyPrecedes(right)
    }

    /// A float, or NaN and infinities in Go's spellings (any case, optional sign).
    static func value(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        if let number = DecimalNumber.double(text) { return number }
        switch String(decoding: text, as: UTF8.self).lowercased() {
        case "nan", "+nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }

    /// Metric names are `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names the same without colons.
    private static func isNameByte(_ byte: UInt8, first: Bool, colon: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"): true
        case UInt8(ascii: "0")...UInt8(ascii: "9"): !first
        case UInt8(ascii: ":"): colon
        default: false
        }
    }

    private static func skipBlanks(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var position = start
        while position < line.count, line[position] == UInt8(ascii: " ") || line[position] == UInt8(ascii: "\t") { position += 1 }
        return position
    }
}
