/// What a series does at each time of a period (a day, a week): the mean value and the mean change per bucket.
///
/// Storage is fixed once the sample step is known: at most `period / minWidth` buckets of `Float`s, because
/// seasonal shape needs no more precision and the server keeps thousands of series.
struct SeasonalProfile: Sendable {
    let period: Int64
    let minWidth: Int64
    private var width: Int64 = 0
    private var values: [Float] = []
    private var deltas: [Float] = []
    private var visits: [UInt8] = []

    init(period: Int64, minWidth: Int64) {
        self.period = period
        self.minWidth = minWidth
    }

    /// Bytes held on the heap: the three buffers with their headers (object header, count, capacity), no allocator overhead.
    var heapBytes: Int {
        values.isEmpty ? 0 : 3 * 4 * MemoryLayout<Int>.size + values.capacity * 4 + deltas.capacity * 4 + visits.capacity
    }

    /// Sizes the buckets to the series' step; a step too long for a dozen buckets per period leaves the profile off.
    mutating func configure(step: Int64) {
        guard step > 0, max(step, minWidth) <= period / 12 else { return }
        width = max(step, minWidth)
        let count = Int(period / width)
        values = Array(repeating: 0, count: count)
        deltas = Array(repeating: 0, count: count)
        visits = Array(repeating: 0, count: count)
    }

    /// The bucket of an instant, or nil while the profile is off.
    func bucket(_ time: Int64) -> Int? {
        guard width > 0 else { return nil }
        let phase = time % period
        return min(Int((phase < 0 ? phase + period : phase) / width), values.count - 1)
    }

    /// The bucket's mean value once it has been seen (a day or week ago).
    func value(_ bucket: Int) -> Double? { visits[bucket] >= 1 ? Double(values[bucket]) : nil }

    /// The bucket's mean change from the previous sample once it has been seen.
    func delta(_ bucket: Int) -> Double? { visits[bucket] >= 1 ? Double(deltas[bucket]) : nil }

    /// Learns a sample; early visits average, later ones weigh a quarter so the shape can drift.
    mutating func learn(_ bucket: Int, value: Double, delta: Double) {
        let alpha: Float = visits[bucket] == 0 ? 1 : max(0.25, 1 / (Float(visits[bucket]) + 1))
        values[bucket] += alpha * (Float(value) - values[bucket])
        deltas[bucket] += alpha * (Float(delta) - deltas[bucket])
        if visits[bucket] < .max { visits[bucket] += 1 }
    }
}
