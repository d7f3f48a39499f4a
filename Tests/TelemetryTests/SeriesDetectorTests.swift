import Testing
import Telemetry

@Suite struct SeriesDetectorTests {
    @Test func aSpikePagesAtOnceAndTheNoiseAroundItDoesNot() {
        var series = SyntheticSeries(seed: 1)
        var samples = series.samples(1_000) { _ in 100 }
        samples[600] = Sample(timestampMilliseconds: samples[600].timestampMilliseconds, value: 115)
        #expect(anomalies(scores(samples)) == [600])
    }

    @Test func aLoneFiveSigmaSampleIsNoiseButTwoInARowOrOneAtSevenSigmaPage() {
        // On Gaussian noise a lone 5-sigma sample comes once per 1.7 million samples: paging on it is paging on noise.
        func fired(_ values: [Int: Double]) -> [Int] {
            var series = SyntheticSeries(seed: 41)
            var samples = series.samples(1_000) { _ in 100 }
            for (i, value) in values {
                samples[i] = Sample(timestampMilliseconds: samples[i].timestampMilliseconds, value: value)
            }
            return anomalies(scores(samples))
        }
        #expect(fired([600: 105]) == [])
        #expect(fired([600: 105, 601: 105]) == [601])
        #expect(fired([600: 107]) == [600])
    }

    @Test func aLevelShiftPagesWithinAFewSamples() {
        var series = SyntheticSeries(seed: 2)
        let samples = series.samples(1_000) { $0 < 600 ? 100 : 108 }
        let fired = anomalies(scores(samples))
        #expect(fired.count == 1)
        #expect(fired.allSatisfy { (600..<603).contains($0) })
    }

    @Test func aSmallLevelShiftIsFoundByTheShortMeanAgainstTheLongMean() {
        var series = SyntheticSeries(seed: 31)
        let samples = series.samples(1_200) { $0 < 600 ? 100 : 101.5 }
        let fired = anomalies(scores(samples))
        #expect(fired.first.map { (600..<660).contains($0) } == true, "fired at \(fired)")
        #expect(fired.allSatisfy { $0 >= 600 })
    }

    @Test func aTrendThatStartsPagesWhileItIsStillSmall() {
        var series = SyntheticSeries(seed: 4)
        let samples = series.samples(1_200) { $0 < 600 ? 100 : 100 + 0.05 * Double($0 - 600) }
        let fired = anomalies(scores(samples))
        // 100 samples in, the trend has moved the level by 5 noise deviations.
        #expect(fired.first.map { (600..<700).contains($0) } == true, "fired at \(fired)")
        #expect(fired.allSatisfy { $0 >= 600 })
    }

    @Test func aSeasonalSeriesWithoutAnomalyStaysQuiet() {
        var series = SyntheticSeries(seed: 5)
        let samples = series.samples(288 * 14, noise: 0.5) { SyntheticSeries.daily($0) }
        #expect(anomalies(scores(samples)).isEmpty)
    }

    @Test func aValueNormalForTheDayButWrongForTheTimeOfDayPages() {
        var series = SyntheticSeries(seed: 5)
        var samples = series.samples(288 * 14, noise: 0.5) { SyntheticSeries.daily($0) }
        // On day 10 at the daily peak (+10), the series sits at its daily mean for an hour: within the
        // series' overall range, but 20 noise deviations off for that time of day.
        let dip = 288 * 10 + 72
        for i in dip..<dip + 12 {
            samples[i] = Sample(timestampMilliseconds: samples[i].timestampMilliseconds, value: 50)
        }
        let fired = anomalies(scores(samples))
        #expect(fired.count == 1)
        #expect(fired.allSatisfy { (dip..<dip + 12).contains($0) }, "fired at \(fired)")
    }

    @Test func aFlatLineThatStartsToMovePagesOnItsFirstMove() {
        var series = SyntheticSeries(seed: 6)
        var value = 45.0
        let samples = (0..<1_200).map { i in
            // Flat for 800 samples, then a random walk of steps of 0.2.
            if i >= 800 { value += series.uniform() < 0.5 ? -0.2 : 0.2 }
            return Sample(timestampMilliseconds: SyntheticSeries.start + Int64(i) * SyntheticSeries.step, value: value)
        }
        #expect(anomalies(scores(samples)).first == 800)
    }

    @Test func anEpisodePagesOnce() {
        var series = SyntheticSeries(seed: 7)
        var samples = series.samples(1_000) { _ in 100 }
        // Twenty samples of trouble, each far outside the noise.
        for i in 500..<520 {
            samples[i] = Sample(timestampMilliseconds: samples[i].timestampMilliseconds, value: i % 2 == 0 ? 130 : 70)
        }
        let results = scores(samples)
        #expect(anomalies(results) == [500])
        // The cool-down is in the score itself: what the server pages on equals the offline output.
        #expect(results[501..<531].allSatisfy { $0.score < 0.5 })
    }

    @Test func aLaterBiggerEpisodePagesAgain() {
        var series = SyntheticSeries(seed: 8)
        var samples = series.samples(1_500) { _ in 100 }
        samples[500] = Sample(timestampMilliseconds: samples[500].timestampMilliseconds, value: 120)
        samples[1_000] = Sample(timestampMilliseconds: samples[1_000].timestampMilliseconds, value: 150)
        #expect(anomalies(scores(samples)) == [500, 1_000])
    }

    @Test func nothingPagesDuringWarmUp() {
        var series = SyntheticSeries(seed: 9)
        var samples = series.samples(400) { _ in 100 }
        samples[145] = Sample(timestampMilliseconds: samples[145].timestampMilliseconds, value: 200)
        let results = scores(samples, settings: DetectorSettings(warmUpSamples: 150))
        #expect(results[..<150].allSatisfy { $0.score < 0.5 })
        #expect(results[145].score > results[144].score, "the warm-up caps the score, it does not hide the surprise")
        #expect(anomalies(scores(samples, settings: DetectorSettings(warmUpSamples: 100))) == [145])
    }

    @Test func sensitivityMovesTheBar() {
        var series = SyntheticSeries(seed: 10)
        var samples = series.samples(1_000) { _ in 100 }
        samples[600] = Sample(timestampMilliseconds: samples[600].timestampMilliseconds, value: 106)
        #expect(anomalies(scores(samples, settings: DetectorSettings(sensitivity: 0.25))).isEmpty)
    }

    @Test func scoresAreFiniteAndWithinZeroToOneWhateverTheInput() {
        var series = SyntheticSeries(seed: 11)
        var samples: [Sample] = []
        var time = SyntheticSeries.start
        for i in 0..<3_000 {
            // Steps forwards, repeated and backwards; values from zero to 1e300 and negative.
            time += [300_000, 0, -60_000, 3_600_000][i % 4]
            let value: Double = switch i % 7 {
            case 0: 0
            case 1: 1e300 * series.uniform()
            case 2: -series.uniform() * 1e6
            case 3: .nan
            default: series.normal()
            }
            samples.append(Sample(timestampMilliseconds: time, value: value))
        }
        for result in scores(samples) {
            #expect(result.score >= 0 && result.score <= 1)
            #expect(!result.score.isNaN)
        }
    }

    @Test func theExpectedRangeHoldsNormalSamples() {
        var series = SyntheticSeries(seed: 12)
        let samples = series.samples(2_000, noise: 2) { SyntheticSeries.daily($0) }
        let results = scores(samples)[500...]
        let inside = results.filter { $0.lower <= $0.value && $0.value <= $0.upper }.count
        #expect(Double(inside) / Double(results.count) > 0.95)
        #expect(results.allSatisfy { $0.lower <= $0.upper })
    }

    @Test func anAnomalysExpectedRangeIsWhatTheSeriesDidBeforeItAndSaysWhichViewFired() {
        // The report that started this: a series at 2 ± 0.2, then 35, read "35 outside the expected -31.0465 to 35".
        var series = SyntheticSeries(seed: 14)
        var samples = series.samples(600, noise: 0.2) { _ in 2 }
        samples[500] = Sample(timestampMilliseconds: samples[500].timestampMilliseconds, value: 35)
        let results = scores(samples)
        let spike = results[500]
        #expect(spike.isAnomaly)
        #expect(spike.lower > 0 && spike.lower < 2 && spike.upper > 2 && spike.upper < 4, "expected \(spike.lower) to \(spike.upper)")
        #expect(spike.view == .level)
        #expect(spike.normalSince == samples[0].timestampMilliseconds, "normal since the first sample")
        // Once the spike is over (the samples just after it still look odd against the spike), the series is normal
        // again from the first ordinary sample after it.
        let since = samples[501...505].map(\.timestampMilliseconds)
        #expect(results[540].normalSince.map(since.contains) == true, "\(String(describing: results[540].normalSince))")
    }

    @Test func aValueWrongForTheTimeOfDayIsASeasonalAnomaly() {
        // Ten days of a daily shape; on the ninth, at the daily peak (60), the trough's value (40).
        var series = SyntheticSeries(seed: 15)
        var samples = series.samples(288 * 10, noise: 0.5) { SyntheticSeries.daily($0) }
        let peak = 288 * 8 + 72
        samples[peak] = Sample(timestampMilliseconds: samples[peak].timestampMilliseconds, value: 40)
        let result = scores(samples)[peak]
        #expect(result.isAnomaly)
        #expect(result.view == .seasonal, "\(String(describing: result.view))")
        #expect(result.lower > 50 && result.upper < 70, "expected around the peak: \(result.lower) to \(result.upper)")
    }

    @Test func aShiftTooGradualForOneSampleIsATrend() {
        var series = SyntheticSeries(seed: 31)
        let results = scores(series.samples(1_200) { $0 < 600 ? 100 : 101.5 })
        let fired = try? #require(results.firstIndex { $0.isAnomaly })
        #expect(fired.map { results[$0].view } == .trend)
    }

    @Test func perSeriesMemoryStaysSmall() {
        var series = SyntheticSeries(seed: 13)
        var detector = SeriesDetector()
        for sample in series.samples(100, shape: { _ in 1 }) { _ = detector.score(sample) }
        #expect(detector.memoryFootprint < 8 * 1024)
    }
}
