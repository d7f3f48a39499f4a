/// Reads OTLP/HTTP JSON metrics, the body of `POST /v1/metrics`.
///
/// Gauge and sum data points become samples named after the metric (`my.counter`, unchanged); histogram and
/// summary points become the series Prometheus makes of them (`my.histogram_bucket{le="1"}`, `_sum`, `_count`;
/// `my.summary{quantile="0.5"}`); exponential histogram points are counted as unsupported. A sample's
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
        for kind in ["gauge", "sum", "histogram", "summary"] {
            guard let data = metric[kind] else { continue }
            let pointsPath = path + ".\(kind).dataPoints"
            for (index, point) in elements(data["dataPoints"], path: pointsPath) {
                read(point: point, kind: kind, path: pointsPath + "[\(index)]", metric: name, resource: resource)
            }
            return
        }
        for kind in ["exponentialHistogram"] {
            guard let data = metric[kind] else { continue }
            if case .array(let points)? = data["dataPoints"], !points.isEmpty {
                batch.rejections.unsupported += points.count
                batch.noteDrop(IngestError(.path(path + ".\(kind)"), "\(kind) data points are not taken in (gauge, sum, histogram and summary points are)"))
            }
            return
        }
        batch.record(IngestError(.path(path), "no gauge, sum, histogram, exponentialHistogram or summary"))
    }

    /// One data point: a gauge's or sum's value, or a histogram's or summary's series as Prometheus makes them
    /// (`name_bucket{le=...}`, cumulative, the last `+Inf`, or `name{quantile=...}`; then `name_sum` when the point has
    /// one, and `name_count`). A point with an error (bucket counts that do not match the bounds) adds nothing.
    private mutating func read(point: JSONValue, kind: String, path: String, metric: String, resource: [String: String]) {
        guard case .object = point else {
            batch.record(IngestError(.path(path), "expected an object"))
            return
        }
        var labels = resource
        for (name, value) in attributes(point["attributes"], path: path + ".attributes") { labels[name] = value }
        do throws(IngestError) {
            let timestamp = try self.timestamp(point["timeUnixNano"], path: path + ".timeUnixNano")
            let series = switch kind {
            case "histogram": try buckets(point, path: path, metric: metric, labels: labels) + distributionTotals(point, path: path, metric: metric, labels: labels)
            case "summary": try quantiles(point, path: path, metric: metric, labels: labels) + distributionTotals(point, path: path, metric: metric, labels: labels)
            default: [(SeriesKey(metric: metric, labels: labels), try value(point, path: path))]
            }
            for (key, value) in series {
                batch.append(Sample(timestampMilliseconds: timestamp, value: value), to: key, options: options, at: .path(path))
            }
        } catch {
            batch.record(error)
        }
    }

    /// A summary point's `quantileValues` as `name{quantile=...}`.
    private func quantiles(_ point: JSONValue, path: String, metric: String, labels: [String: String]) throws(IngestError) -> [(SeriesKey, Double)] {
        var series: [(SeriesKey, Double)] = []
        for (index, element) in try array(point["quantileValues"], path: path + ".quantileValues") {
            let quantile = try number(element["quantile"], path: path + ".quantileValues[\(index)].quantile") ?? 0
            let value = try number(element["value"], path: path + ".quantileValues[\(index)].value") ?? 0
            var quantileLabels = labels
            quantileLabels["quantile"] = Self.labelText(quantile)
            series.append((SeriesKey(metric: metric, labels: quantileLabels), value))
        }
        return series
    }

    /// `name_sum` (when the point has a sum) and `name_count`.
    private func distributionTotals(_ point: JSONValue, path: String, metric: String, labels: [String: String]) throws(IngestError) -> [(SeriesKey, Double)] {
        var series: [(SeriesKey, Double)] = []
        if let sum = try number(point["sum"], path: path + ".sum") { series.append((SeriesKey(metric: metric + "_sum", labels: labels), sum)) }
        series.append((SeriesKey(metric: metric + "_count", labels: labels), try count(point["count"], path: path + ".count")))
        return series
    }

    /// A histogram point's cumulative buckets; `bucketCounts` must have one entry more than `explicitBounds`.
    private func buckets(_ point: JSONValue, path: String, metric: String, labels: [String: String]) throws(IngestError) -> [(SeriesKey, Double)] {
        var counts: [Double] = []
        for (index, element) in try array(point["bucketCounts"], path: path + ".bucketCounts") {
            counts.append(try count(element, path: path + ".bucketCounts[\(index)]"))
        }
        var bounds: [Double] = []
        for (index, element) in try array(point["explicitBounds"], path: path + ".explicitBounds") {
            guard let bound = try number(element, path: path + ".explicitBounds[\(index)]") else { continue }
            bounds.append(bound)
        }
        guard counts.isEmpty || counts.count == bounds.count + 1 else {
            throw IngestError(.path(path + ".bucketCounts"), "\(counts.count) counts for \(bounds.count) explicitBounds: expected \(bounds.count + 1)")
        }
        var cumulative = 0.0
        return counts.enumerated().map { index, count in
            cumulative += count
            var bucketLabels = labels
            bucketLabels["le"] = index < bounds.count ? Self.labelText(bounds[index]) : "+Inf"
            return (SeriesKey(metric: metric + "_bucket", labels: bucketLabels), cumulative)
        }
    }

    /// An array member, or none when missing.
    private func array(_ value: JSONValue?, path: String) throws(IngestError) -> EnumeratedSequence<[JSONValue]> {
        switch value {
        case .array(let elements)?: return elements.enumerated()
        case nil, .null?: return [].enumerated()
        default: throw IngestError(.path(path), "expected an array")
        }
    }

    /// A double as proto3 JSON writes it (a number, or `NaN`, `Infinity`, `-Infinity` and decimal strings); nil when
    /// missing.
    private func number(_ value: JSONValue?, path: String) throws(IngestError) -> Double? {
        switch value {
        case nil, .null?: return nil
        case .number(let text)?: if let number = Double(text) { return number }
        case .string("NaN")?: return .nan
        case .string("Infinity")?: return .infinity
        case .string("-Infinity")?: return -.infinity
        case .string(var text)?: if let number = text.withUTF8({ DecimalNumber.double($0) }) { return number }
        default: break
        }
        throw IngestError(.path(path), "not a number")
    }

    /// A uint64 count, as a decimal string or a JSON integer; missing is 0 (unset in proto3).
    private func count(_ value: JSONValue?, path: String) throws(IngestError) -> Double {
        switch value {
        case nil, .null?: return 0
        case .number(let text)?, .string(let text)?: if let count = UInt64(text) { return Double(count) }
        default: break
        }
        throw IngestError(.path(path), "not a count (a non-negative integer)")
    }

    /// A bound or quantile as a label value, as Prometheus writes them: `1`, `0.25`, `1e-06`.
    private static func labelText(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
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
        if let double = try number(point["asDouble"], path: path + ".asDouble") { return double }
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
