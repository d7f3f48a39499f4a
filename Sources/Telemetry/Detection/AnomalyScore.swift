/// The detector's verdict on one sample: how anomalous it is and the range it expected.
public struct AnomalyScore: Sendable, Equatable {
    /// In [0, 1]; 0.5 or more is an anomaly that pages.
    public var score: Double
    /// The observed value.
    public var value: Double
    /// Lowest value the detector considered normal for this sample.
    public var lower: Double
    /// Highest value the detector considered normal for this sample.
    public var upper: Double
    /// The view that found the sample most surprising; nil when none did (warm-up, a flat series).
    public var view: AnomalyView?
    /// Since when (Unix milliseconds) the series had behaved normally before this sample: its first sample, or the
    /// first unremarkable one after its last unusual stretch.
    public var normalSince: Int64?

    public init(score: Double, value: Double, lower: Double, upper: Double, view: AnomalyView? = nil, normalSince: Int64? = nil) {
        self.score = score
        self.value = value
        self.lower = lower
        self.upper = upper
        self.view = view
        self.normalSince = normalSince
    }

    /// Whether the score pages.
    public var isAnomaly: Bool { score >= 0.5 }
}
