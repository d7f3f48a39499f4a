/// The unit of line-protocol timestamps, from the `precision` query parameter of `/write`.
public enum TimestampPrecision: Sendable, Equatable {
    case nanoseconds, microseconds, milliseconds, seconds

    /// Reads a `precision` value: `ns`, `us`, `ms`, `s`, and InfluxDB 1.x's `n` and `u`; nil otherwise.
    public init?(queryValue: String) {
        switch queryValue {
        case "ns", "n": self = .nanoseconds
        case "us", "u", "µs": self = .microseconds
        case "ms": self = .milliseconds
        case "s": self = .seconds
        default: return nil
        }
    }

    /// The query value that asks for this precision.
    public var queryValue: String {
        switch self {
        case .nanoseconds: "ns"
        case .microseconds: "us"
        case .milliseconds: "ms"
        case .seconds: "s"
        }
    }

    /// The unit's name for people.
    var unitName: String {
        switch self {
        case .nanoseconds: "nanoseconds"
        case .microseconds: "microseconds"
        case .milliseconds: "milliseconds"
        case .seconds: "seconds"
        }
    }

    /// Converts to milliseconds, rounding toward the past; nil when the result does not fit.
    func milliseconds(_ value: Int64) -> Int64? {
        switch self {
        case .nanoseconds: return Self.floorDivide(value, 1_000_000)
        case .microseconds: return Self.floorDivide(value, 1_000)
        case .milliseconds: return value
        case .seconds:
            let (product, overflow) = value.multipliedReportingOverflow(by: 1_000)
            return overflow ? nil : product
        }
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor < 0) ? quotient - 1 : quotient
    }
}
