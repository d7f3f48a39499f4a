/// What was wrong with one part of a request body, and where.
///
/// Line-based formats name the 1-based line (`line 3: field "value": invalid number "abc"`); OTLP
/// names the JSON path (`resourceMetrics[0].scopeMetrics[1].metrics[2].gauge.dataPoints[0].timeUnixNano: not a number`).
/// The description is meant to be sent back to the client as is.
public struct IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the body the problem is.
    public enum Location: Sendable, Equatable {
        /// A 1-based line number of a line-based format.
        case line(Int)
        /// A JSON path such as `resourceMetrics[0].resource`.
        case path(String)
        /// The body as a whole (empty, not JSON, too deeply nested).
        case body
    }

    public let location: Location
    /// What was wrong, without the location.
    public let message: String

    public init(_ location: Location, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String {
        switch location {
        case .line(let number): "line \(number): \(message)"
        case .path(let path): "\(path): \(message)"
        case .body: message
        }
    }
}

extension IngestError {
    /// Quotes client text in a message: lossy UTF-8, at most 64 bytes, so an error stays small.
    static func quoted(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let limit = 64
        let shown = bytes.count > limit ? UnsafeBufferPointer(rebasing: bytes[0..<limit]) : bytes
        let text = String(decoding: shown, as: UTF8.self)
        return "\"" + text + (bytes.count > limit ? "…" : "") + "\""
    }
}
