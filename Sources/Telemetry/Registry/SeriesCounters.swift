/// Registry totals, for the server's own `/metrics`; `ingest` also returns them per batch.
public struct SeriesCounters: Sendable, Equatable {
    /// Samples handed to a state.
    public var accepted = 0
    /// Series created, including those that took an evicted series' place.
    public var created = 0
    /// Series dropped to stay within `maximumSeries`.
    public var evictions = 0
    /// Samples older than their series' last accepted sample.
    public var outOfOrder = 0
    /// Samples at the same millisecond as their series' last accepted sample.
    public var duplicates = 0

    public init() {}

    @usableFromInline
    func subtracting(_ other: Self) -> Self {
        var result = Self()
        result.accepted = accepted - other.accepted
        result.created = created - other.created
        result.evictions = evictions - other.evictions
        result.outOfOrder = outOfOrder - other.outOfOrder
        result.duplicates = duplicates - other.duplicates
        return result
    }
}
