/// One observation of one series: a value at an instant.
public struct Sample: Sendable, Equatable {
    /// Milliseconds since the Unix epoch. Every ingest format is converted to this resolution.
    public let timestampMilliseconds: Int64
    /// The observed value; ingest rejects NaN and infinities before a sample is made.
    public let value: Double

    public init(timestampMilliseconds: Int64, value: Double) {
        self.timestampMilliseconds = timestampMilliseconds
        self.value = value
    }
}
