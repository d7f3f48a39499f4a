import Foundation

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

    /// Why a timestamp was not taken: `time 2020-01-01T00:00:00Z is outside the accepted window (365 days before to
    /// 10 minutes after the time the request arrived, 2026-12-04T16:00:00Z)`.
    public func outsideWindow(_ timestampMilliseconds: Int64) -> String {
        "time \(Self.date(timestampMilliseconds)) is outside the accepted window (\(Self.span(maximumAgeMilliseconds)) before to "
            + "\(Self.span(maximumFutureMilliseconds)) after the time the request arrived, \(Self.date(ingestTimeMilliseconds)))"
    }

    /// `2026-12-04T16:00:00.123Z`.
    static func date(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// `365 days`, `10 minutes`, `90 seconds`.
    private static func span(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        if seconds % 86_400 == 0 { return "\(seconds / 86_400) days" }
        if seconds % 3_600 == 0 { return "\(seconds / 3_600) hours" }
        if seconds % 60 == 0 { return "\(seconds / 60) minutes" }
        return "\(seconds) seconds"
    }

    /// Whether a timestamp lies in the accepted window around the ingest time.
    @inlinable
    public func accepts(timestampMilliseconds: Int64) -> Bool {
        let (oldest, lowOverflow) = ingestTimeMilliseconds.subtractingReportingOverflow(maximumAgeMilliseconds)
        let (newest, highOverflow) = ingestTimeMilliseconds.addingReportingOverflow(maximumFutureMilliseconds)
        return (lowOverflow || timestampMilliseconds >= oldest) && (highOverflow || timestampMilliseconds <= newest)
    }
}
