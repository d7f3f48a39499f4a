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

    public init(score: Double, value: Double, lower: Double, upper: Double) {
        self.score = score
        self.value = value
        self.lower = lower
        self.upper = upper
    }

    /// Whether the score pages.
    public var isAnomaly: Bool { score >= 0.5 }
}
