/// The three views of surprise, each 1 at its anomaly threshold; also used for the fading record of each.
struct Surprise: Sendable {
    var error = 0.0
    var shift = 0.0
    var noise = 0.0

    /// Samples over which a record fades to 1/e: about two weeks of 5-minute data.
    static let memory = 4_000.0

    /// The strongest view, each divided by the record it has to beat (never by less than 1).
    func evidence(against record: Surprise) -> Double {
        max(error / max(1, record.error), shift / max(1, record.shift), noise / max(1, record.noise))
    }

    /// Fades the record and raises it to the views of this sample.
    mutating func absorb(_ views: Surprise) {
        let keep = 1 - 1 / Self.memory
        error = max(views.error, error * keep)
        shift = max(views.shift, shift * keep)
        noise = max(views.noise, noise * keep)
    }
}
