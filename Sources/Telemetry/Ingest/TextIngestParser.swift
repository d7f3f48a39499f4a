/// A parser of a line-oriented telemetry body that never throws: bad lines become errors in the
/// batch, and the rest is kept.
public protocol TextIngestParser: Sendable {
    /// Parses a body given as raw bytes (a NIO `ByteBuffer`'s readable bytes, say).
    func parse(_ body: UnsafeRawBufferPointer, options: IngestOptions) -> IngestBatch
}

extension TextIngestParser {
    /// Parses a body given as an array of bytes.
    public func parse(_ body: [UInt8], options: IngestOptions) -> IngestBatch {
        body.withUnsafeBytes { parse($0, options: options) }
    }

    /// Parses a body given as text.
    public func parse(_ body: String, options: IngestOptions) -> IngestBatch {
        var text = body
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0), options: options) }
    }
}
