/// Turns a step's output bytes into its log: timestamped lines, at most `cap` bytes of output, and a
/// marker saying how much was dropped.
///
/// The format, fixed so that logs in the audit branch can be read by tools:
///
///     [   0.012s] text of the line
///     [  12.345s] [runbook] output truncated: 2097152 more bytes dropped (cap 1048576)
///
/// - Each line starts with `[`, the seconds since the process started, right-aligned in 4 characters, a dot,
///   3 digits of milliseconds, `s] `: 12 characters before the text (wider only past 9999.999 s). The time
///   is when the line's first byte was read.
/// - The text is one line of output without its newline (and without a `\r` before it), decoded as UTF-8;
///   invalid bytes become U+FFFD. A line longer than 64 KiB is split into several, at a character boundary.
///   Output that does not end with a newline still ends as a line.
/// - Lines the executor adds itself say `[runbook]` after the time.
/// - Every line, the last one too, ends with `\n`.
///
/// The cap counts the step's own bytes (newlines included), not the prefixes. Output past the cap is read
/// and counted but not kept; `onLine` hears each kept line as it is read, then only the truncation marker.
struct StepLog {
    /// Lines longer than this are split, so one line cannot be the whole log.
    static let maximumLineBytes = 64 * 1024

    let cap: Int
    let onLine: @Sendable (String) -> Void
    /// The step's secrets, replaced in each line before it is kept or heard.
    let redaction: Redaction
    private(set) var text = ""
    /// Every byte of output seen, kept or not.
    private(set) var outputBytes = 0
    private(set) var keptBytes = 0
    private var partialLine: [UInt8] = []
    private var partialLineStarted = Duration.zero

    init(cap: Int, redaction: Redaction = Redaction(secrets: [:]), onLine: @escaping @Sendable (String) -> Void) {
        self.cap = max(0, cap)
        self.redaction = redaction
        self.onLine = onLine
    }

    var droppedBytes: Int { outputBytes - keptBytes }

    /// Adds output read `elapsed` after the start.
    mutating func append(_ bytes: UnsafeRawBufferPointer, at elapsed: Duration) {
        outputBytes += bytes.count
        let kept = bytes.prefix(cap - keptBytes)
        keptBytes += kept.count
        consume(kept, at: elapsed)
        if kept.count < bytes.count {
            // The cap cuts the output here: show the cut line now rather than when the step ends.
            flushPartialLine()
        }
    }

    /// Ends the log: the last line without a newline, then the truncation marker if output was dropped.
    mutating func finish(at elapsed: Duration) {
        flushPartialLine()
        if droppedBytes > 0 {
            note("output truncated: \(droppedBytes) more bytes dropped (cap \(cap))", at: elapsed)
        }
    }

    /// Adds a line of the executor's own, marked `[runbook]`.
    mutating func note(_ message: String, at elapsed: Duration) {
        emit(Self.prefix(elapsed) + "[runbook] " + message)
    }

    private mutating func consume(_ bytes: Slice<UnsafeRawBufferPointer>, at elapsed: Duration) {
        var rest = bytes
        while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
            addToLine(rest[..<newline], at: elapsed)
            flushPartialLine(evenIfEmpty: true)
            rest = rest[(newline + 1)...]
        }
        addToLine(rest, at: elapsed)
    }

    private mutating func addToLine(_ bytes: Slice<UnsafeRawBufferPointer>, at elapsed: Duration) {
        if partialLine.isEmpty { partialLineStarted = elapsed }
        partialLine.append(contentsOf: bytes)
        while partialLine.count > Self.maximumLineBytes {
            let cut = Self.characterBoundary(in: partialLine, before: Self.maximumLineBytes)
            emitLine(partialLine[..<cut], started: partialLineStarted)
            partialLine.removeFirst(cut)
            partialLineStarted = elapsed
        }
    }

    private mutating func flushPartialLine(evenIfEmpty: Bool = false) {
        guard evenIfEmpty || !partialLine.isEmpty else { return }
        emitLine(partialLine[...], started: partialLineStarted)
        partialLine.removeAll(keepingCapacity: true)
    }

    private mutating func emitLine(_ bytes: ArraySlice<UInt8>, started: Duration) {
        let content = bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes
        let text = String(decoding: content, as: UTF8.self)
        emit(Self.prefix(started) + (redaction.isEmpty ? text : redaction.apply(text)))
    }

    private mutating func emit(_ line: String) {
        text += line
        text += "\n"
        onLine(line)
    }

    /// `limit`, moved back over UTF-8 continuation bytes (at most 3) so a character is not split in two.
    static func characterBoundary(in bytes: [UInt8], before limit: Int) -> Int {
        var cut = limit
        while cut > limit - 3, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        return cut
    }

    /// `[   0.012s] `: the time since the start, fixed width up to 9999.999 s.
    static func prefix(_ elapsed: Duration) -> String {
        let text = seconds(elapsed)
        return "[" + String(repeating: " ", count: max(0, 9 - text.count)) + text + "] "
    }

    /// `0.012s`, `30.000s`: a duration in seconds with milliseconds, as the log writes times.
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction + "s"
    }
}
