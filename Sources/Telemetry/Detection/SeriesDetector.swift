/// The online anomaly detector of one series: constant work and memory per sample, no lookahead.
///
/// It learns the series as it goes. Six predictors guess each sample: the previous value, a level (fast exponential
/// mean), the previous value plus the usual change at this time of day or of week, and the usual value at this time
/// of day or of week. Each keeps its own typical error, and the one with the smallest typical error speaks for the
/// sample. Three views then measure surprise, each as a multiple of the amount `DetectorSettings.sensitivity` calls
/// anomalous:
///
/// - the error of the best prediction against its typical error (spikes, dips, seasonal breaks),
/// - a short mean against a long mean, against their typical gap (level shifts too small for one sample),
/// - the recent error level against the usual one (noise or spike density that grows).
///
/// A view only counts when it also beats the series' own record of that view, a maximum that fades over about 4,000
/// samples, so a series that is always spiky has to do something new to page, while a quiet one pages on its first
/// real deviation. After a page, the series scores below 0.5 until ``DetectorSettings/coolDownSamples`` samples in a
/// row have been unremarkable, so an episode pages once however long it lasts.
///
/// Feed samples of one series in time order; call ``score(_:)`` once per sample.
public struct SeriesDetector: Sendable {
    /// The settings in force; changing them takes effect from the next sample.
    public var settings: DetectorSettings
    /// Samples seen so far.
    public internal(set) var count = 0

    // The state below is internal, not private, for the snapshot (SeriesDetector+Snapshot.swift) alone.

    var last = 0.0
    var lastTime: Int64 = 0
    /// The smallest step seen among the first samples, which sizes the seasonal buckets.
    var step: Int64 = 0
    /// The smallest non-zero change seen: integer or rounded data must not look infinitely surprising when flat.
    var resolution = Double.infinity

    var level = 0.0
    var naiveError = Deviation()
    var levelError = Deviation()
    var daily = SeasonalProfile(period: Self.day, minWidth: 5 * Self.minute)
    var dailyDeltaError = Deviation()
    var dailyValueError = Deviation()
    var weekly = SeasonalProfile(period: 7 * Self.day, minWidth: 60 * Self.minute)
    var weeklyDeltaError = Deviation()
    var weeklyValueError = Deviation()

    var fastMean = 0.0
    var slowMean = 0.0
    var gap = Deviation()
    var recentError = Deviation()
    var usualError = Deviation()

    var record = Surprise()
    /// The previous sample's error view before any record: two errors in a row over the threshold page.
    var previousError = 0.0
    var coolDownLeft = 0
    /// Since when the series has behaved normally (Unix ms), and whether the last sample was unusual.
    var normalSince: Int64 = 0
    var unusual = false
    /// The first sample's time: a seasonal prediction is only called one once a whole period has been seen.
    var startTime: Int64 = 0

    public init(settings: DetectorSettings = DetectorSettings()) {
        self.settings = settings
    }

    /// Bytes this series' detector holds: the value itself plus its seasonal buckets.
    public var memoryFootprint: Int {
        MemoryLayout<Self>.size + daily.heapBytes + weekly.heapBytes
    }

    /// Scores one sample, then learns from it.
    ///
    /// A non-finite value scores 0 and is not learned (ingest should have rejected it).
    public mutating func score(_ sample: Sample) -> AnomalyScore {
        let x = sample.value
        guard x.isFinite else { return AnomalyScore(score: 0, value: x, lower: level, upper: level) }
        count += 1
        guard count > 1 else { return start(sample) }
        observeStep(sample)
        let dx = x - last
        // Errors below half the data's resolution (or a ten-thousandth of its level) are noise of the representation.
        // The resolution is the one known before this sample, so the first move of a flat line counts in full.
        let floor = (resolution.isFinite ? resolution / 2 : 0) + 1e-4 * abs(slowMean) + 1e-12
        if dx != 0 { resolution = min(resolution, abs(dx)) }

        let dayBucket = daily.bucket(sample.timestampMilliseconds)
        let weekBucket = weekly.bucket(sample.timestampMilliseconds)
        var guesses = Guesses(naive: last, level: level)
        if let bucket = dayBucket {
            guesses.dailyDelta = daily.delta(bucket).map { last + $0 }
            guesses.dailyValue = daily.value(bucket)
        }
        if let bucket = weekBucket {
            guesses.weeklyDelta = weekly.delta(bucket).map { last + $0 }
            guesses.weeklyValue = weekly.value(bucket)
        }
        let best = bestForecast(guesses, floor: floor)
        let residual = abs(x - best.prediction)

        fastMean += Self.fastAlpha * (x - fastMean)
        let shift = abs(fastMean - slowMean)
        recentError.update(residual, alpha: Self.fastAlpha, clip: false)

        let sensitivity = max(settings.sensitivity, 1e-9)
        var views = Surprise()
        let error = best.scale > 0 ? residual / best.scale / (Self.errorThreshold / sensitivity) : 0
        views.error = Self.errorEvidence(error, previous: previousError)
        views.shift = gap.ready ? shift / (1.25 * gap.value + floor) / (Self.shiftThreshold / sensitivity) : 0
        if usualError.ready {
            let growth = (recentError.value + floor) / (usualError.value + floor)
            views.noise = max(growth - 1, 0) / (Self.noiseGrowthThreshold / sensitivity)
        }
        let evidence = views.evidence(against: record)
        // The range the state before this sample expected: the record it had to beat, not one this sample raised.
        let bar = max(1, record.error)
        let alone = previousError >= bar ? 1 : Self.loneSampleFactor
        let halfWidth = Self.errorThreshold / sensitivity * alone * bar * best.scale
        previousError = error
        // Within its first period a profile's bucket holds the same stretch minutes ago, not last day's or week's.
        let seasonal = best.period.map { sample.timestampMilliseconds - startTime >= $0 } ?? false
        let view = Self.strongestView(views, against: record, seasonal: seasonal)
        record.absorb(views)

        learn(x, dx: dx, guesses: guesses, dayBucket: dayBucket, weekBucket: weekBucket, shift: shift, residual: residual)
        lastTime = sample.timestampMilliseconds

        let since = normalSince
        if evidence >= 1 {
            unusual = true
        } else if unusual {
            unusual = false
            normalSince = sample.timestampMilliseconds
        }
        return AnomalyScore(score: gate(evidence), value: x, lower: best.prediction - halfWidth, upper: best.prediction + halfWidth,
                            view: evidence > 0 ? view : nil, normalSince: since)
    }

    /// The error view's evidence: a lone sample must clear ``loneSampleFactor`` times the threshold, two in a row
    /// only the threshold. On stationary noise a 4-sigma error is a matter of time (once per 16,000 samples of
    /// Gaussian noise), two in a row are not; a real break of a series' shape lasts, or is far larger.
    private static func errorEvidence(_ error: Double, previous: Double) -> Double {
        max(error / loneSampleFactor, min(error, previous))
    }

    /// The view with the most evidence; the error view is `seasonal` when a seasonal prediction spoke for the sample.
    private static func strongestView(_ views: Surprise, against record: Surprise, seasonal: Bool) -> AnomalyView {
        let error = views.error / max(1, record.error)
        let shift = views.shift / max(1, record.shift)
        let noise = views.noise / max(1, record.noise)
        if shift > error, shift >= noise { return .trend }
        if noise > error { return .noise }
        return seasonal ? .seasonal : .level
    }

    // MARK: - Steps of a sample

    private mutating func start(_ sample: Sample) -> AnomalyScore {
        let x = sample.value
        last = x
        level = x
        fastMean = x
        slowMean = x
        lastTime = sample.timestampMilliseconds
        normalSince = sample.timestampMilliseconds
        startTime = sample.timestampMilliseconds
        return AnomalyScore(score: 0, value: x, lower: x, upper: x, normalSince: normalSince)
    }

    /// Learns the step from the first samples and then sizes the seasonal profiles once.
    private mutating func observeStep(_ sample: Sample) {
        guard count <= Self.stepSamples else { return }
        let dt = sample.timestampMilliseconds - lastTime
        if dt > 0 { step = step == 0 ? dt : min(step, dt) }
        if count == Self.stepSamples {
            daily.configure(step: step)
            weekly.configure(step: step)
        }
    }

    /// The prediction whose typical error is smallest, with that error as the scale of surprise.
    /// With the period of the seasonal profile the prediction came from, if it did.
    private func bestForecast(_ guesses: Guesses, floor: Double) -> (prediction: Double, scale: Double, period: Int64?) {
        var best: (prediction: Double, scale: Double, period: Int64?) = (guesses.naive, .infinity, nil)
        func consider(_ prediction: Double?, _ error: Deviation, period: Int64? = nil) {
            guard let prediction, error.ready else { return }
            // 1.25 turns a mean absolute deviation into a standard deviation for normal noise.
            let scale = 1.25 * error.value + floor
            if scale < best.scale { best = (prediction, scale, period) }
        }
        consider(guesses.naive, naiveError)
        consider(guesses.level, levelError)
        consider(guesses.dailyDelta, dailyDeltaError, period: daily.period)
        consider(guesses.dailyValue, dailyValueError, period: daily.period)
        consider(guesses.weeklyDelta, weeklyDeltaError, period: weekly.period)
        consider(guesses.weeklyValue, weeklyValueError, period: weekly.period)
        return best.scale.isFinite ? best : (guesses.naive, 0, nil)
    }

    private mutating func learn(
        _ x: Double, dx: Double, guesses: Guesses, dayBucket: Int?, weekBucket: Int?, shift: Double, residual: Double
    ) {
        naiveError.update(abs(x - guesses.naive), alpha: Self.errorAlpha)
        levelError.update(abs(x - guesses.level), alpha: Self.errorAlpha)
        if let guess = guesses.dailyDelta { dailyDeltaError.update(abs(x - guess), alpha: Self.errorAlpha) }
        if let guess = guesses.dailyValue { dailyValueError.update(abs(x - guess), alpha: Self.errorAlpha) }
        if let guess = guesses.weeklyDelta { weeklyDeltaError.update(abs(x - guess), alpha: Self.errorAlpha) }
        if let guess = guesses.weeklyValue { weeklyValueError.update(abs(x - guess), alpha: Self.errorAlpha) }
        if let dayBucket { daily.learn(dayBucket, value: x, delta: dx) }
        if let weekBucket { weekly.learn(weekBucket, value: x, delta: dx) }
        level += Self.levelAlpha * (x - level)
        slowMean += max(Self.slowAlpha, 1 / Double(count)) * (x - slowMean)
        gap.update(shift, alpha: Self.usualAlpha)
        usualError.update(residual, alpha: Self.usualAlpha)
        last = x
    }

    /// Maps evidence to a score (1 of evidence is 0.5) and applies warm-up and cool-down.
    private mutating func gate(_ evidence: Double) -> Double {
        let bounded = evidence.isNaN ? 0 : min(max(evidence, 0), 1e12)
        var score = bounded / (1 + bounded)
        if count <= settings.warmUpSamples || coolDownLeft > 0 {
            // An episode that is still going on keeps the quiet going, so it pages once however long it lasts.
            let ongoing = coolDownLeft > 0 && score >= 0.5
            score = min(score, Self.quietCeiling)
            coolDownLeft = ongoing ? settings.coolDownSamples : max(0, coolDownLeft - 1)
        } else if score >= 0.5 {
            coolDownLeft = settings.coolDownSamples
        }
        return score
    }

    // MARK: - Constants (measured on NAB, see docs/detector.md)

    private static let minute: Int64 = 60_000
    private static let day: Int64 = 86_400_000
    private static let stepSamples = 16
    /// Typical errors follow about the last 200 samples: long enough to be stable, short enough to follow regimes.
    private static let errorAlpha = 0.005
    private static let levelAlpha = 0.1
    /// The short mean of the shift view and the recent error level: about 20 samples.
    private static let fastAlpha = 0.05
    /// The long mean: about 500 samples.
    private static let slowAlpha = 0.002
    /// What the shift view's gap and the noise view's error level usually are: about 500 samples.
    private static let usualAlpha = 0.002
    private static let errorThreshold = 4.0
    /// How much further than the threshold a lone error must go: 1.5 (6 sigma) measured best on NAB and noise
    /// together (docs/detector.md, "Two in a row").
    private static let loneSampleFactor = 1.5
    private static let shiftThreshold = 3.33
    private static let noiseGrowthThreshold = 2.0
    /// Below 0.5, and still showing that the sample was unusual, for samples in warm-up or cool-down.
    private static let quietCeiling = 0.49
}

/// The six predictions of one sample; nil where a seasonal profile has not seen this time yet.
private struct Guesses {
    var naive: Double
    var level: Double
    var dailyDelta: Double? = nil
    var dailyValue: Double? = nil
    var weeklyDelta: Double? = nil
    var weeklyValue: Double? = nil
}
