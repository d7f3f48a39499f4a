/// Reads OTLP/HTTP JSON metrics, the body of `POST /v1/metrics`.
///
/// Gauge and sum data points become samples named after the metric (`my.counter`, unchanged);
/// histogram, exponential histogram and summary points are counted as unsupported. A sample's
/// labels are its resource's attributes plus the data point's attributes; on a name clash the
/// data point wins, being the more specific. Scope attributes are not labels. Attribute values
/// become text (`intValue` and `doubleValue` as written, `boolValue` as `true`/`false`); array
/// and key-value-list values are left out. Unknown members are ignored.
///
/// A bad data point (or metric, or attribute) is reported with its JSON path and counted as
/// malformed; everything else in the request is kept, so the server can answer with
/// `partialSuccess` and `rejections.rejected`. A body that is not JSON throws.
public struct OTLPMetricsParser: Sendable {
    /// Deeper JSON is rejected before it is read further; OTLP metrics need about 12 levels.
    public var maximumDepth: Int

    public init(maximumDepth: Int = 64) {
        self.maximumDepth = maximumDepth
    }

    /// Parses a body given as raw bytes; throws when it is empty, not JSON or nested too deeply.
    public func parse(_ body: UnsafeRawBufferPointer, options: IngestOptions) throws(IngestError) -> IngestBatch {
        let document = try JSONValue.parse(body.bindMemory(to: UInt8.self), maximumDepth: maximumDepth)
        var reader = OTLPMetricsReader(options: options)
        reader.read(document)
        return reader.batch
    }

    /// Parses a body given as an array of bytes.
    public func parse(_ body: [UInt8], options: IngestOptions) throws(IngestError) -> IngestBatch {
        let result = body.withUnsafeBytes { bytes in
            Result { () throws(IngestError) -> IngestBatch in try parse(bytes, options: options) }
        }
        return try result.get()
    }

    /// Parses a body given as text.
    public func parse(_ body: String, options: IngestOptions) throws(IngestError) -> IngestBatch {
        try parse(Array(body.utf8), options: options)
    }
}

/// Walks a parsed `ExportMetricsServiceRequest`, keeping the JSON path for errors.
struct OTLPMetricsReader {
    let options: IngestOptions
    var batch: IngestBatch

    init(options: IngestOptions) {
        self.options = options
        batch = IngestBatch(maximumErrors: options.maximumErrors)
    }

    mutating func read(_ document: JSONValue) {
        guard case .object = document else {
            batch.record(IngestError(.body, "expected a JSON object with \"resourceMetrics\""))
            return
        }
        for (index, resourceMetrics) in elements(document["resourceMetrics"], path: "resourceMetrics") {
            let path = "resourceMetrics[\(index)]"
            let resource = attributes(resourceMetrics["resource"]?["attributes"], path: path + ".resource.attributes")
            for (scopeIndex, scopeMetrics) in elements(resourceMetrics["scopeMetrics"], path: path + ".scopeMetrics") {
                let scopePath = path + ".scopeMetrics[\(scopeIndex)]"
                for (metricIndex, metric) in elements(scopeMetrics["metrics"], path: scopePath + ".metrics") {
                    read(metric: metric, path: scopePath + ".metrics[\(metricIndex)]", resource: resource)
                }
            }
        }
    }

    private mutating func read(metric: JSONValue, path: String, resource: [String: String]) {
        guard case .string(let name)? = metric["name"], !name.isEmpty else {
            batch.record(IngestError(.path(path + ".name"), "expected a non-empty string"))
            return
        }
        for kind in ["gauge", "sum"] {
            guard let data = metric[kind] else { continue }
            let pointsPath = path + ".\(kind).dataPoints"
            for (index, point) in elements(data["dataPoints"], path: pointsPath) {
                read(point: point, path: pointsPath + "[\(index)]", metric: name, resource: resource)
            }
            return
        }
        for kind in ["histogram", "exponentialHistogram", "summary"] {
            guard let data = metric[kind] else { continue }
            if case .array(let points)? = data["dataPoints"] { batch.rejections.unsupported += points.count }
            return
        }
        batch.record(IngestError(.path(path), "no gauge, sum, histogram, exponentialHistogram or summary"))
    }

    private mutating func read(point: JSONValue, path: String, metric: String, resource: [String: String]) {
        guard case .object = point else {
            batch.record(IngestError(.path(path), "expected an object"))
            return
        }
        var labels = resource
        for (name, value) in attributes(point["attributes"], path: path + ".attributes") { labels[name] = value }
        do throws(IngestError) {
            let timestamp = try self.timestamp(point["timeUnixNano"], path: path + ".timeUnixNano")
            let value = try self.value(point, path: path)
            batch.append(Sample(timestampMilliseconds: timestamp, value: value), to: SeriesKey(metric: metric, labels: labels), options: options)
        } catch {
            batch.record(error)
        }
    }

    /// Nanoseconds as a decimal string or a JSON integer; missing or 0 (unset in proto3) means the ingest time.
    private func timestamp(_ value: JSONValue?, path: String) throws(IngestError) -> Int64 {
        let text: String
        switch value {
        case nil, .null?: return options.ingestTimeMilliseconds
        case .string(let string)?: text = string
        case .number(let number)?: text = number
        default: throw IngestError(.path(path), "not a number")
        }
        guard let nanoseconds = UInt64(text) else { throw IngestError(.path(path), "not a number") }
        if nanoseconds == 0 { return options.ingestTimeMilliseconds }
        return Int64(nanoseconds / 1_000_000)
    }

    /// `asDouble` (a number, or the proto3 JSON strings `NaN`, `Infinity`, `-Infinity`) or `asInt`
    /// (a decimal string or a JSON integer).
    private func value(_ point: JSONValue, path: String) throws(IngestError) -> Double {
        if let double = point["asDouble"] {
            switch double {
            case .number(let text): if let value = Double(text) { return value }
            case .string("NaN"): return .nan
            case .string("Infinity"): return .infinity
            case .string("-Infinity"): return -.infinity
            case .string(var text): if let value = text.withUTF8({ DecimalNumber.double($0) }) { return value }
            default: break
            }
            throw IngestError(.path(path + ".asDouble"), "not a number")
        }
        if let integer = point["asInt"] {
            switch integer {
            case .number(let text), .string(let text): if let value = Int64(text) { return Double(value) }
            default: break
            }
            throw IngestError(.path(path + ".asInt"), "not an integer")
        }
        throw IngestError(.path(path), "no value: expected asDouble or asInt")
    }

    /// The elements of an array member; a missing member is empty, anything else is an error.
    private mutating func elements(_ value: JSONValue?, path: String) -> EnumeratedSequence<[JSONValue]> {
        switch value {
        case .array(let elements)?: return elements.enumerated()
        case nil, .null?: return [].enumerated()
        default:
            batch.record(IngestError(.path(path), "expected an array"))
            return [].enumerated()
        }
    }

    /// `[{key, value: {stringValue|intValue|doubleValue|boolValue|bytesValue}}]` as label text.
    private mutating func attributes(_ value: JSONValue?, path: String) -> [String: String] {
        var labels: [String: String] = [:]
        for (index, attribute) in elements(value, path: path) {
            guard case .string(let key)? = attribute["key"] else {
                batch.record(IngestError(.path(path + "[\(index)].key"), "expected a string"))
                continue
            }
            if let text = Self.text(attribute["value"]) { labels[key] = text }
        }
        return labels
    }

    private static func text(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        for kind in ["stringValue", "intValue", "doubleValue", "bytesValue"] {
            switch value[kind] {
            case .string(let text)?, .number(let text)?: return text
            default: continue
            }
        }
        if case .bool(let flag)? = value["boolValue"] { return flag ? "true" : "false" }
        return nil
    }
}
