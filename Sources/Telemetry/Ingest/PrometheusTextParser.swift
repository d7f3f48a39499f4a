/// Reads the Prometheus text exposition format, the body of `POST /api/v1/import/prometheus`.
///
/// `name{label="value",...} value [timestamp_ms]`, with Prometheus 3's quoted UTF-8 names (`{"name.1"} 1`,
/// `name{"dotted.label"="x"} 1`). `# HELP` and `# TYPE` are checked as the reference parser (prometheus/common
/// `expfmt`) checks them: one of each per family, TYPE before the family's samples, a known type; other comments and
/// blank lines are skipped. Label values may use the escapes `\\`, `\"` and `\n`; a label with an empty value is the
/// same as no label, as in Prometheus. `NaN`, `+Inf` and `-Inf` parse but are counted as non-finite, not kept. A sample
/// without a timestamp gets the ingest time. Histogram and summary series (`_bucket`, `_sum`, `_count`, `quantile`)
/// are ordinary series, whose `le` and `quantile` must be numbers and whose histogram counts may not be negative.
/// A bad line is dropped and reported with its 1-based number; the other lines are kept. The body must end with a
/// newline, as the reference requires.
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
    /// The line's metric name, then its label names and values, unescaped.
    private var scratch: [UInt8] = []
    private var labels: [LabelSpan] = []
    private var families = MetricFamilies()
    private var lineNumber = 0

    init(options: IngestOptions) {
        self.options = options
        batch = IngestBatch(maximumErrors: options.maximumErrors)
    }

    mutating func read(_ body: UnsafeBufferPointer<UInt8>) {
        var start = 0
        while start < body.count {
            lineNumber += 1
            var end = start
            while end < body.count, body[end] != UInt8(ascii: "\n") { end += 1 }
            var line = UnsafeBufferPointer(rebasing: body[start..<end])
            if let last = line.last, last == UInt8(ascii: "\r") { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
            do throws(LineError) {
                if end == body.count, Self.skipBlanks(line, from: 0) < line.count {
                    throw LineError("the last line does not end with a newline (the text format requires one)")
                }
                try readLine(line)
            } catch {
                batch.record(IngestError(.line(lineNumber), error.message))
            }
            start = end + 1
        }
    }

    private mutating func readLine(_ line: UnsafeBufferPointer<UInt8>) throws(LineError) {
        var position = Self.skipBlanks(line, from: 0)
        if position == line.count { return }
        if !LineProtocolReader.isASCII(line), String(validating: line, as: UTF8.self) == nil { throw LineError("invalid UTF-8") }
        scratch.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        if line[position] == UInt8(ascii: "#") { return try readComment(line, from: position + 1) }
        var name: Range<Int>? = nil
        if line[position] != UInt8(ascii: "{") {
            let read = try readName(line, from: position, metric: true)
            guard !read.name.isEmpty || read.end > position else {
                throw LineError("invalid metric name at \(LineProtocolReader.quoted(line, position..<line.count))")
            }
            (name, position) = (read.name, Self.skipBlanks(line, from: read.end))
        }
        if position < line.count, line[position] == UInt8(ascii: "{") {
            position = try readLabels(line, from: position + 1, name: &name)
        }
        guard let name, !name.isEmpty else { throw LineError("invalid metric name: a sample needs one") }
        let family = families.family(of: scratch[name], sample: true)
        try check(labelsOf: family)
        let valueStart = Self.skipBlanks(line, from: position)
        guard valueStart < line.count else { throw LineError("missing value") }
        var valueEnd = valueStart
        while valueEnd < line.count, line[valueEnd] != UInt8(ascii: " "), line[valueEnd] != UInt8(ascii: "\t") { valueEnd += 1 }
        let valueText = UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd])
        guard let value = Self.value(valueText) else { throw LineError("invalid value \(IngestError.quoted(valueText))") }
        if value < 0, family.type == .histogram, family.part == .count || family.part == .bucket {
            throw LineError("negative \(family.part == .count ? "count" : "bucket population") for histogram \"\(family.name)\"")
        }
        let timestamp = try readTimestamp(line, from: valueEnd)
        guard value.isFinite else { batch.rejections.nonFinite += 1; return }
        guard options.accepts(timestampMilliseconds: timestamp) else {
            batch.rejections.outOfWindow += 1
            batch.noteDrop(IngestError(.line(lineNumber), options.outsideWindow(timestamp)))
            return
        }
        try emit(name: name, sample: Sample(timestampMilliseconds: timestamp, value: value))
    }

    /// `# HELP name text` and `# TYPE name type` are checked against what the body said before; other comments are
    /// skipped.
    private mutating func readComment(_ line: UnsafeBufferPointer<UInt8>, from start: Int) throws(LineError) {
        let keywordStart = Self.skipBlanks(line, from: start)
        var keywordEnd = keywordStart
        while keywordEnd < line.count, line[keywordEnd] != UInt8(ascii: " "), line[keywordEnd] != UInt8(ascii: "\t") { keywordEnd += 1 }
        let keyword = String(decoding: UnsafeBufferPointer(rebasing: line[keywordStart..<keywordEnd]), as: UTF8.self)
        guard keyword == "HELP" || keyword == "TYPE" else { return }
        let nameStart = Self.skipBlanks(line, from: keywordEnd)
        guard nameStart < line.count else { return }
        let (name, nameEnd) = try readName(line, from: nameStart, metric: true)
        guard nameEnd == line.count || line[nameEnd] == UInt8(ascii: " ") || line[nameEnd] == UInt8(ascii: "\t"), !name.isEmpty else {
            throw LineError("invalid metric name in # \(keyword) at \(LineProtocolReader.quoted(line, nameStart..<line.count))")
        }
        let rest = Self.skipBlanks(line, from: nameEnd)
        guard rest < line.count else { return }
        let text = UnsafeBufferPointer(rebasing: line[rest..<line.count])
        if keyword == "HELP" {
            try Self.checkHelpEscapes(text)
            try families.setHelp(of: scratch[name])
        } else {
            try families.setType(String(decoding: text, as: UTF8.self), of: scratch[name])
        }
    }

    /// A metric or label name: `[a-zA-Z_:][a-zA-Z0-9_:]*` (no colons in label names), or any UTF-8 text in double
    /// quotes with the escapes `\\`, `\"` and `\n`. Appends it to `scratch`; returns its range there and the position
    /// after it (the start when there is no name).
    private mutating func readName(_ line: UnsafeBufferPointer<UInt8>, from start: Int, metric: Bool) throws(LineError) -> (name: Range<Int>, end: Int) {
        let first = scratch.count
        guard start < line.count, line[start] == UInt8(ascii: "\"") else {
            var position = start
            while position < line.count, Self.isNameByte(line[position], first: position == start, colon: metric) { position += 1 }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: line[start..<position]))
            return (first..<scratch.count, position)
        }
        let end = try readQuoted(line, from: start + 1, what: metric ? "metric name" : "label name")
        return (first..<scratch.count, end)
    }

    /// Reads `name="value",...}` after the brace; returns the position after the closing brace. A line that starts
    /// with the brace names its metric inside it, as a name without a value (`{"name.1", job="a"}`).
    private mutating func readLabels(_ line: UnsafeBufferPointer<UInt8>, from start: Int, name: inout Range<Int>?) throws(LineError) -> Int {
        let nameInside = name == nil
        var position = start
        while true {
            position = Self.skipBlanks(line, from: position)
            guard position < line.count else { throw LineError("labels without a closing \"}\"") }
            if line[position] == UInt8(ascii: "}") { return position + 1 }
            let (labelName, nameEnd) = try readName(line, from: position, metric: false)
            guard !labelName.isEmpty || nameEnd > position else {
                throw LineError("invalid label name at \(LineProtocolReader.quoted(line, position..<line.count))")
            }
            let shownName = String(decoding: scratch[labelName], as: UTF8.self)
            position = Self.skipBlanks(line, from: nameEnd)
            if nameInside, position < line.count, line[position] == UInt8(ascii: ",") || line[position] == UInt8(ascii: "}") {
                guard name == nil else { throw LineError("multiple metric names: \"\(shownName)\" after one") }
                name = labelName
                if line[position] == UInt8(ascii: ",") { position += 1 }
                continue
            }
            guard position < line.count, line[position] == UInt8(ascii: "=") else {
                throw LineError("label \"\(shownName)\": expected \"=\"")
            }
            guard shownName != "__name__" else { throw LineError("label name \"__name__\" is reserved: the metric name goes before the braces") }
            position = Self.skipBlanks(line, from: position + 1)
            guard position < line.count, line[position] == UInt8(ascii: "\"") else {
                throw LineError("label \"\(shownName)\": value must be in double quotes")
            }
            let valueStart = scratch.count
            position = try readQuoted(line, from: position + 1, what: "label \"\(shownName)\"")
            if scratch.count > valueStart {
                labels.append(LabelSpan(name: labelName, value: valueStart..<scratch.count))
            }
            position = Self.skipBlanks(line, from: position)
            guard position < line.count else { throw LineError("labels without a closing \"}\"") }
            if line[position] == UInt8(ascii: ",") {
                position += 1
            } else if line[position] != UInt8(ascii: "}") {
                throw LineError("expected \",\" or \"}\" after label \"\(shownName)\"")
            }
        }
    }

    /// Unescapes quoted text into `scratch`; returns the position after the closing quote.
    private mutating func readQuoted(_ line: UnsafeBufferPointer<UInt8>, from start: Int, what: @autoclosure () -> String) throws(LineError) -> Int {
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
                    throw LineError("\(what()): invalid escape \(escape) (only \\\\, \\\" and \\n)")
                }
                position += 2
            } else {
                scratch.append(byte)
                position += 1
            }
        }
        throw LineError("\(what()): no closing quote")
    }

    /// A summary's `quantile` and a histogram's `le` must be numbers, as the reference requires.
    private func check(labelsOf family: MetricFamilies.Resolved) throws(LineError) {
        let special = switch family.type {
        case .summary: "quantile"
        case .histogram: "le"
        default: ""
        }
        guard !special.isEmpty else { return }
        for label in labels where scratch[label.name].elementsEqual(special.utf8) {
            let text = scratch[label.value]
            let number = text.withUnsafeBufferPointer { Self.value($0) }
            guard number != nil else {
                throw LineError("\(special) \"\(String(decoding: text, as: UTF8.self))\" of \(family.type!.rawValue) \"\(family.name)\" is not a number")
            }
        }
    }

    /// HELP text may use `\\`, `\"` and `\n` and no other escape.
    private static func checkHelpEscapes(_ text: UnsafeBufferPointer<UInt8>) throws(LineError) {
        var position = 0
        while position < text.count {
            if text[position] == UInt8(ascii: "\\") {
                let next = position + 1 < text.count ? text[position + 1] : 0
                guard next == UInt8(ascii: "\\") || next == UInt8(ascii: "n") || next == UInt8(ascii: "\"") else {
                    throw LineError("invalid escape in # HELP text at \(LineProtocolReader.quoted(text, position..<min(position + 2, text.count)))")
                }
                position += 2
            } else {
                position += 1
            }
        }
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

    private mutating func emit(name: Range<Int>, sample: Sample) throws(LineError) {
        let duplicate: String? = scratch.withUnsafeBufferPointer { bytes in
            labels.sort { Self.precedes(bytes[$0.name], bytes[$1.name]) }
            for index in labels.indices.dropFirst() where bytes[labels[index - 1].name].elementsEqual(bytes[labels[index].name]) {
                return String(decoding: bytes[labels[index].name], as: UTF8.self)
            }
            let start = batch.identityBytes.count
            SeriesIdentity.appendPart(UnsafeBufferPointer(rebasing: bytes[name]), to: &batch.identityBytes)
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
