import Telemetry

/// Reproducible synthetic series for the detector tests: 5-minute samples with normal-ish noise.
struct SyntheticSeries {
    static let step: Int64 = 300_000
    /// 2014-04-01 00:00 UTC, a Tuesday, like NAB's artificial series.
    static let start: Int64 = 1_396_310_400_000

    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// SplitMix64: tests need the same noise on every run and every platform.
    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }

    /// Approximately standard normal (sum of twelve uniforms), which keeps Foundation out of the tests.
    mutating func normal() -> Double {
        (0..<12).reduce(0) { sum, _ in sum + uniform() } - 6
    }

    /// `count` samples of `shape(i) + noise * normal()`.
    mutating func samples(_ count: Int, noise: Double = 1, shape: (Int) -> Double) -> [Sample] {
        (0..<count).map { i in
            Sample(timestampMilliseconds: Self.start + Int64(i) * Self.step, value: shape(i) + noise * normal())
        }
    }

    /// A daily sine wave around `level` at the 5-minute step (288 samples a day).
    static func daily(_ i: Int, level: Double = 50, amplitude: Double = 10) -> Double {
        level + amplitude * sine(Double(i % 288) / 288)
    }

    /// sin(2πx) for x in [0, 1) by a short Taylor series, accurate to about 1e-6; again no Foundation.
    static func sine(_ x: Double) -> Double {
        var t = 2 * Double.pi * x
        if t > .pi { t -= 2 * .pi }
        var term = t
        var sum = t
        for k in 1..<12 {
            term *= -t * t / Double((2 * k) * (2 * k + 1))
            sum += term
        }
        return sum
    }
}

/// Runs a fresh detector over samples and returns every result.
func scores(_ samples: [Sample], settings: DetectorSettings = DetectorSettings()) -> [AnomalyScore] {
    var detector = SeriesDetector(settings: settings)
    return samples.map { detector.score($0) }
}

/// Indices of the samples that page.
func anomalies(_ results: [AnomalyScore]) -> [Int] {
    results.indices.filter { results[$0].isAnomaly }
}
