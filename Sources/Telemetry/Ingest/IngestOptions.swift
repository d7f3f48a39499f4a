/// The ingest time and the limits every parser applies to a request.
public struct IngestOptions: Sendable, Equatable {
    /// The time the request arrived, milliseconds since the Unix epoch. Samples without a timestamp
    /// get it, and the accepted time window is relative to it.
    public var ingestTimeMilliseconds: Int64
    /// Samples older than this, relative to the ingest time, are dropped and counted as out of window.
    public var maximumAgeMilliseconds: Int64
    /// Samples further ahead of the ingest time than this are dropped and counted as out of window.
    public var maximumFutureMilliseconds: Int64
    /// How many errors a batch keeps with their text; further errors are only counted.
    public var maximumErrors: Int

    /// One year back and ten minutes ahead by default; the first 100 errors are kept.
    public init(
        ingestTimeMilliseconds: Int64,
        maximumAgeMilliseconds: Int64 = 365 * 24 * 3_600_000,
        maximumFutureMilliseconds: Int64 = 10 * 60_000,
        maximumErrors: Int = 100
    ) {
        self.ingestTimeMilliseconds = ingestTimeMilliseconds
        self.maximumAgeMilliseconds = maximumAgeMilliseconds
        self.maximumFutureMilliseconds = maximumFutureMilliseconds
        self.maximumErrors = maximumErrors
    }

    /// Whether a timestamp lies in the accepted window around the ingest time.
    @inlinable
    public func accepts(timestampMilliseconds: Int64) -> Bool {
        let (oldest, lowOverflow) = ingestTimeMilliseconds.subtractingReportingOverflow(maximumAgeMilliseconds)
        let (newest, highOverflow) = ingestTimeMilliseconds.addingReportingOverflow(maximumFutureMilliseconds)
        return (lowOverflow || timestampMilliseconds >= oldest) && (highOverflow || timestampMilliseconds <= newest)
    }
}
