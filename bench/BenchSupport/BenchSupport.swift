// What the benchmark drivers share: usage errors, time and number formatting, output lines.
import Foundation

/// A mistake on a benchmark's command line.
public struct UsageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Seconds as a Double.
public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// `value` with `digits` decimals.
public func format(_ value: Double, _ digits: Int = 3) -> String {
    String(format: "%.\(digits)f", value)
}

/// A result line on stdout, which the bench scripts parse.
public func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// A progress line on stderr.
public func note(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// The value at `fraction` (0.5, 0.99) of `sorted`, nearest rank; 0 when empty.
public func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
}
