// False alarms of the anomaly detector on series that have no anomaly (issue 17): per kind of stationary noise,
// SERIES series of SAMPLES samples each at a 5-minute step, seeds fixed, every series with a fresh detector at the
// default settings; an alarm is a score >= 0.5 (what pages). For comparison, in the same run, a plain EWMA z-score
// (mean and variance with alpha 0.01, |z| >= 4 pages, no warm-up) on the same samples.
//
// Kinds: gaussian (N(100, 5)); laplace (100 + Laplace with the same variance: heavier tails); random-walk (mean
// reverting, AR(1) toward 100 with 1% pull and N(0, 1) steps); seasonal (daily and weekly shape, 100 + 20 sin(day) +
// 10 sin(week) + N(0, 2)).
//
// Target: at most 1 alarm per 1,000,000 samples for every kind. Prints one line per kind.
// Usage: detector-noise-bench [SERIES] [SAMPLES]   (defaults 100 100000)
import Foundation
import Telemetry

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let seriesCount = arguments.count > 0 ? arguments[0] : 100
let sampleCount = arguments.count > 1 ? arguments[1] : 100_000
let step: Int64 = 300_000
let start: Int64 = 1_396_310_400_000

/// SplitMix64, so every run and platform sees the same series.
struct Random {
    var state: UInt64
    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Double(z >> 11) + 0.5) / Double(1 << 53)
    }
    /// Exact standard normal (Box-Muller).
    mutating func normal() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
    /// Laplace with scale b (variance 2b²).
    mutating func laplace(_ b: Double) -> Double {
        let u = uniform() - 0.5
        return -b * (u < 0 ? -1 : 1) * log(1 - 2 * abs(u))
    }
}

enum Kind: String, CaseIterable {
    case gaussian, laplace, randomWalk = "random-walk", seasonal

    /// The series `index` of this kind.
    func values(_ index: Int, count: Int) -> [Double] {
        var random = Random(state: UInt64(index + 1) &* 0x1000_0000_01B3 &+ UInt64(Kind.allCases.firstIndex(of: self)!))
        var x = 100.0
        return (0..<count).map { i in
            switch self {
            case .gaussian: return 100 + 5 * random.normal()
            case .laplace: return 100 + random.laplace(5 / 2.0.squareRoot())
            case .randomWalk:
                x += 0.01 * (100 - x) + random.normal()
                return x
            case .seasonal:
                let day = Double(i % 288) / 288, week = Double(i % 2016) / 2016
                return 100 + 20 * sin(2 * .pi * day) + 10 * sin(2 * .pi * week) + 2 * random.normal()
            }
        }
    }
}

struct EWMA {
    var mean = 0.0, variance = 0.0, count = 0
    mutating func alarms(_ x: Double) -> Bool {
        count += 1
        if count == 1 { mean = x; return false }
        let z = variance > 0 ? abs(x - mean) / variance.squareRoot() : 0
        let delta = x - mean
        mean += 0.01 * delta
        variance = 0.99 * (variance + 0.01 * delta * delta)
        return count > 30 && z >= 4
    }
}

print("kind          series  samples      alarms  per_1M   ewma_alarms  ewma_per_1M  ns_per_sample")
for kind in Kind.allCases {
    var alarms = 0, baseline = 0, seriesWithAlarms = 0
    var seconds = 0.0
    for index in 0..<seriesCount {
        let values = kind.values(index, count: sampleCount)
        var detector = SeriesDetector()
        var ewma = EWMA()
        let before = alarms
        let clock = ContinuousClock.now
        for (i, value) in values.enumerated() where detector.score(Sample(timestampMilliseconds: start + Int64(i) * step, value: value)).isAnomaly {
            alarms += 1
        }
        let elapsed = ContinuousClock.now - clock
        seconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if alarms > before { seriesWithAlarms += 1 }
        for value in values where ewma.alarms(value) { baseline += 1 }
    }
    let total = Double(seriesCount * sampleCount)
    print(kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0), String(format: "%7d %8d %11d %7.2f %13d %12.1f %14.1f",
        seriesCount, sampleCount, alarms, Double(alarms) / total * 1e6, baseline, Double(baseline) / total * 1e6, seconds / total * 1e9),
        "(\(seriesWithAlarms) series with an alarm)")
}
