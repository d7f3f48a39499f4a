/// Reads InfluxDB line protocol, the body of `POST /write` and `/api/v2/write`.
///
/// Each numeric field of a line is one sample of the series `measurement_field` (the
/// VictoriaMetrics and Telegraf naming), labelled with the line's tags. Integers (`1i`, `1u`),
/// floats and booleans (1 or 0) are numbers; string fields are skipped and counted. A bad line is
/// dropped as a whole and reported with its 1-based number; the other lines still yield samples,
/// as InfluxDB 2 writes the good lines of a batch and answers 400 with the first error.
///
/// The parser works on bytes and, for lines whose tags are already sorted (what clients are told
/// to send), copies each series' bytes once and allocates nothing per line.
public struct LineProtocolParser: TextIngestParser {
    /// The unit of timestamps in the body, from the `precision` query parameter.
    public var precision: TimestampPrecision

    public init(precision: TimestampPrecision = .nanoseconds) {
        self.precision = precision
    }

    /// Parses a body given as raw bytes (a NIO `ByteBuffer`'s readable bytes, say).
    public func parse(_ body: UnsafeRawBufferPointer, options: IngestOptions) -> IngestBatch {
        var reader = LineProtocolReader(precision: precision, options: options)
        reader.read(body.bindMemory(to: UInt8.self))
        return reader.batch
    }
}
