/// What the registry did with one sample.
public enum SeriesOutcome: Sendable, Equatable {
    /// Handed to the series' state.
    case accepted
    /// Older than the series' last accepted sample: dropped.
    case outOfOrder
    /// At the same millisecond as the series' last accepted sample: dropped, the first value stays.
    case duplicate
}
