/// The samples one request body yielded, with what was dropped and why.
///
/// Parsers return a batch instead of touching the registry so the server can parse outside the
/// actor that owns the registry and then hand over the whole batch at once. Each sample carries
/// its series as compact identity bytes, not a `SeriesKey`: the registry finds known series from
/// those bytes and only builds strings for series it has not seen.
public struct IngestBatch: Sendable {
    /// Counts of what a parser dropped without making a sample.
    public struct Rejections: Sendable, Equatable {
        /// NaN or infinite values: the detector cannot use them.
        public var nonFinite = 0
        /// Timestamps outside the window around the ingest time (`IngestOptions`).
        public var outOfWindow = 0
        /// Line-protocol string fields: valid, but not numbers, so skipped rather than errors.
        public var nonNumeric = 0
        /// OTLP exponential histogram data points.
        public var unsupported = 0
        /// Lines or data points with an error; the first errors are in `IngestBatch.errors`.
        public var malformed = 0

        public init() {}

        /// Everything dropped except skipped string fields: OTLP's `rejectedDataPoints`.
        public var rejected: Int { nonFinite + outOfWindow + unsupported + malformed }
    }

    /// The samples, in body order; `key(at:)` names the series of each.
    public private(set) var samples: [Sample] = []
    /// The first errors, in body order, at most `IngestOptions.maximumErrors`; `rejections.malformed` counts all.
    public internal(set) var errors: [IngestError] = []
    /// What was dropped without an error (and the count of errors).
    public internal(set) var rejections = Rejections()
    /// The first sample dropped without an error (its time outside the window, a value that is not finite, an
    /// unsupported OTLP type), where and why: what a partial-write answer names, so no drop is silent.
    public internal(set) var firstDrop: IngestError?

    var identityBytes: [UInt8] = []
    var identityEnds: [Int] = []
    var identityHashes: [UInt64] = []
    let maximumErrors: Int

    /// An empty batch; parsers make them, the initializer is for callers that build samples themselves.
    public init(maximumErrors: Int = 100) {
        self.maximumErrors = maximumErrors
    }

    /// The number of samples.
    public var count: Int { samples.count }
    /// The first error, what an InfluxDB-style 400 response reports.
    public var firstError: IngestError? { errors.first }

    /// The series of sample `index`. Builds strings: meant for tests and logs, not the ingest path.
    public func key(at index: Int) -> SeriesKey {
        identityBytes.withUnsafeBufferPointer { SeriesIdentity.decode(UnsafeBufferPointer(rebasing: $0[identityRange(index)])) }
    }

    /// Adds a sample of a series given as a key; NaN, infinities and timestamps outside `options`' window
    /// are counted instead, as the parsers do, and the first of them is noted at `location`.
    public mutating func append(_ sample: Sample, to key: SeriesKey, options: IngestOptions, at location: IngestError.Location = .body) {
        guard sample.value.isFinite else {
            rejections.nonFinite += 1
            noteDrop(IngestError(location, "\(sample.value) is not a finite number"))
            return
        }
        guard options.accepts(timestampMilliseconds: sample.timestampMilliseconds) else {
            rejections.outOfWindow += 1
            noteDrop(IngestError(location, options.outsideWindow(sample.timestampMilliseconds)))
            return
        }
        let start = identityBytes.count
        SeriesIdentity.encode(key, into: &identityBytes)
        finishIdentity(from: start)
        samples.append(sample)
    }

    func identityRange(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : identityEnds[index - 1])..<identityEnds[index]
    }

    /// Records the identity appended to `identityBytes` since `start`; its sample follows with `appendSample`.
    mutating func finishIdentity(from start: Int) {
        let end = identityBytes.count
        let hash = identityBytes.withUnsafeBytes { SeriesIdentity.hash(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
        identityEnds.append(end)
        identityHashes.append(hash)
    }

    mutating func appendSample(_ sample: Sample) {
        samples.append(sample)
    }

    /// Keeps the first drop's description; built only when it is the first.
    mutating func noteDrop(_ drop: @autoclosure () -> IngestError) {
        if firstDrop == nil { firstDrop = drop() }
    }

    mutating func record(_ error: IngestError) {
        rejections.malformed += 1
        if errors.count < maximumErrors { errors.append(error) }
    }

    mutating func reserve(samples expected: Int, identityBytes bytes: Int) {
        samples.reserveCapacity(expected)
        identityEnds.reserveCapacity(expected)
        identityHashes.reserveCapacity(expected)
        identityBytes.reserveCapacity(bytes)
    }
}
