/// A typical absolute error as an exponentially weighted mean that one outlier cannot inflate.
struct Deviation: Sendable {
    var value = 0.0
    /// Sum of the weights seen, so early estimates are unbiased averages instead of being pulled toward zero.
    var weight = 0.0

    /// Whether enough errors have been seen for the value to mean something.
    var ready: Bool { weight > 0.5 }

    /// Learns one error; with `clip`, an error is counted as at most four times the current value, so a spike
    /// moves the scale a little and a lasting change of regime still moves it within a few dozen samples.
    mutating func update(_ error: Double, alpha: Double, clip: Bool = true) {
        let bounded = clip && ready && value > 0 ? min(error, 4 * value) : error
        weight = weight * (1 - alpha) + alpha
        value += alpha / weight * (bounded - value)
    }
}
