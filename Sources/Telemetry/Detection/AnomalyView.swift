/// Which of the detector's views found a sample surprising, for the people reading the alert.
public enum AnomalyView: String, Sendable, Equatable, CaseIterable {
    /// Far from the recent level or the previous value (a spike, a dip, a jump).
    case level
    /// Far from what this time of day or week usually brings.
    case seasonal
    /// The short-term mean moved away from the long-term one (a shift too gradual for one sample to show).
    case trend
    /// The series became noisier than it usually is.
    case noise

    /// A phrase for an alert's text.
    public var phrase: String {
        switch self {
        case .level: "far from its recent level"
        case .seasonal: "far from its usual value at this time of day or week"
        case .trend: "its mean moved away from its long-term mean"
        case .noise: "noisier than usual"
        }
    }
}
