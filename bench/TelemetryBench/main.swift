// Times line-protocol ingest as the server does it: parse a batch, then feed every sample to the
// series registry with a small per-series state standing in for the detector. Prints lines/s and
// ns/line for parsing alone and for parse + registry, single-threaded.
//
// Usage: telemetry-bench [LINES] [SERIES] [BATCH_LINES]   (defaults 1000000 10000 10000)
import Telemetry

/// An exponentially weighted mean and variance: about the per-sample work of a simple detector.
struct RunningStats {
    var mean = 0.0
    var variance = 0.0
    mutating func update(_ value: Double) {
        let delta = value - mean
        mean += 0.05 * delta
        variance = 0.95 * (variance + 0.05 * delta * delta)
    }
}

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let totalLines = arguments.count > 0 ? arguments[0] : 1_000_000
let seriesCount = arguments.count > 1 ? arguments[1] : 10_000
let batchLines = arguments.count > 2 ? arguments[2] : 10_000

let now = Int64(1_764_000_000_000)
let regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"]

/// Telegraf-style lines: three sorted tags, one float field, nanosecond timestamps that increase per series.
func makeBatches() -> [[UInt8]] {
    var batches: [[UInt8]] = []
    var text = ""
    for line in 0..<totalLines {
        let series = line % seriesCount
        let round = line / seriesCount
        let timestamp = (now - 3_600_000 + Int64(round) * 1_000) * 1_000_000
        let value = Double((line &* 7919) % 10_000) / 100
        text += "cpu,host=host-\(series),region=\(regions[series % 4]),service=api usage_idle=\(value) \(timestamp)\n"
        if (line + 1) % batchLines == 0 || line + 1 == totalLines {
            batches.append(Array(text.utf8))
            text = ""
        }
    }
    return batches
}

func seconds(_ body: () -> Void) -> Double {
    let start = ContinuousClock.now
    body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func report(_ name: String, _ elapsed: Double) {
    let linesPerSecond = Double(totalLines) / elapsed
    let nanosecondsPerLine = elapsed * 1e9 / Double(totalLines)
    let figures = "lines_per_second \(Int(linesPerSecond)) ns_per_line \(Int(nanosecondsPerLine.rounded()))"
    print("\(name) \(figures) seconds \((elapsed * 1000).rounded() / 1000)")
}

let batches = makeBatches()
let bytes = batches.reduce(0) { $0 + $1.count }
print("lines \(totalLines) series \(seriesCount) batch_lines \(batchLines) bytes \(bytes)")
let parser = LineProtocolParser(precision: .nanoseconds)
let options = IngestOptions(ingestTimeMilliseconds: now)

// Best of three for both figures: the first pass also faults in memory and creates every series.
var parseOnly = Double.infinity
for _ in 0..<3 {
    var parsedSamples = 0
    parseOnly = min(parseOnly, seconds { for batch in batches { parsedSamples += parser.parse(batch, options: options).count } })
    precondition(parsedSamples == totalLines, "parsed \(parsedSamples) samples")
}
report("parse", parseOnly)

var best = Double.infinity
var registry = SeriesRegistry<RunningStats>(maximumSeries: seriesCount)
for _ in 0..<3 {
    registry = SeriesRegistry<RunningStats>(maximumSeries: seriesCount)
    let elapsed = seconds {
        for batch in batches {
            let parsed = parser.parse(batch, options: options)
            registry.ingest(parsed, makeState: { _ in RunningStats() }, update: { state, _, sample in state.update(sample.value) })
        }
    }
    best = min(best, elapsed)
}
precondition(registry.counters.accepted == totalLines && registry.count == seriesCount, "registry \(registry.counters)")
report("parse+registry", best)
