/// How eagerly a ``SeriesDetector`` fires, how long it learns first and how long it stays quiet after firing.
///
/// A plain value, so the server can keep one global copy and override it per metric. The defaults are the ones
/// measured on NAB (see docs/detector.md); they are one configuration for every series, not tuned per series.
public struct DetectorSettings: Sendable, Equatable, Hashable {
    /// Scales how little surprise is enough: 2 fires on half the deviation, 0.5 needs twice as much.
    ///
    /// Default 1: a sample must be at least 4 typical errors away from the best prediction (or the short-term mean
    /// must have moved 3.3 typical gaps, or the recent error level grown 3-fold) *and* more surprising than anything
    /// the series did in its recent past (a record that fades over about 4,000 samples).
    public var sensitivity: Double
    /// Samples a series must have seen before any score reaches 0.5. Default 150.
    ///
    /// A count, not a duration or a fraction, because a streaming detector knows neither the step nor the length of
    /// its series. 150 is enough for the level and error scales; seasonal views join as soon as they have data.
    public var warmUpSamples: Int
    /// Unremarkable samples in a row that end an episode; until then the series scores below 0.5. Default 30.
    ///
    /// After a page the series stays below 0.5 while samples keep scoring as anomalies and for this many samples
    /// after the last of them, so one episode pages once however long it lasts. Longer cool-downs measured worse
    /// on NAB: a false alarm shortly before a real anomaly then hides the real one.
    public var coolDownSamples: Int

    public init(sensitivity: Double = 1, warmUpSamples: Int = 150, coolDownSamples: Int = 30) {
        self.sensitivity = sensitivity
        self.warmUpSamples = warmUpSamples
        self.coolDownSamples = coolDownSamples
    }
}
