/// What a series does at each time of a period (a day, a week): the mean value and the mean change per bucket.
///
/// Storage is fixed once the sample step is known: at most `period / minWidth` buckets of `Float`s, because
/// seasonal shape needs no more precision and the server keeps thousands of series.
struct SeasonalProfile: Sendable {
    let period: Int64
    let minWidth: Int64
    var width: Int64 = 0
    /// One bucket's mean value, mean change and visit count side by side: the server scores samples of
    /// thousands of series whose state is cold, and one bucket is then one cache miss instead of three.
    var buckets: [Bucket] = []
    /// `buckets.count - 1`, kept beside the width: finding a sample's bucket then reads no heap memory (for a cold
    /// series the array's header is a cache miss of its own, 10% of the server's time in a profile of 10,000 series).
    var lastBucket = -1

    struct Bucket {
        var value: Float = 0
        var delta: Float = 0
        var visits: UInt8 = 0
    }

    init(period: Int64, minWidth: Int64) {
        self.period = period
        self.minWidth = minWidth
    }

    /// Bytes held on the heap: the buffer with its header (object header, count, capacity), no allocator overhead.
    var heapBytes: Int {
        buckets.isEmpty ? 0 : 4 * MemoryLayout<Int>.size + buckets.capacity * MemoryLayout<Bucket>.stride
    }

    /// Sizes the buckets to the series' step; a step too long for a dozen buckets per period leaves the profile off.
    mutating func configure(step: Int64) {
        guard step > 0, max(step, minWidth) <= period / 12 else { return }
        width = max(step, minWidth)
        buckets = Array(repeating: Bucket(), count: Int(period / width))
        lastBucket = buckets.count - 1
    }

    /// The bucket of an instant, or nil while the profile is off.
    func bucket(_ time: Int64) -> Int? {
        guard width > 0 else { return nil }
        let phase = time % period
        return min(Int((phase < 0 ? phase + period : phase) / width), lastBucket)
    }

    /// The bucket's mean value once it has been seen (a day or week ago).
    func value(_ bucket: Int) -> Double? { buckets[bucket].visits >= 1 ? Double(buckets[bucket].value) : nil }

    /// The bucket's mean change from the previous sample once it has been seen.
    func delta(_ bucket: Int) -> Double? { buckets[bucket].visits >= 1 ? Double(buckets[bucket].delta) : nil }

    /// Learns a sample; early visits average, later ones weigh a quarter so the shape can drift.
    mutating func learn(_ bucket: Int, value: Double, delta: Double) {
        buckets.withUnsafeMutableBufferPointer { buckets in
            let visits = buckets[bucket].visits
            let alpha: Float = visits == 0 ? 1 : max(0.25, 1 / (Float(visits) + 1))
            buckets[bucket].value += alpha * (Float(value) - buckets[bucket].value)
            buckets[bucket].delta += alpha * (Float(delta) - buckets[bucket].delta)
            if visits < .max { buckets[bucket].visits = visits + 1 }
        }
    }
}
