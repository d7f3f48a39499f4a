/// One field of a cron expression, parsed: the set of values it allows and whether it was written as a restriction.
struct CronField: Sendable, Hashable {
    /// The five fields in order; the raw value is the 1-based position that error messages cite.
    enum Kind: Int, Sendable, CaseIterable {
        case minute = 1, hour, dayOfMonth, month, dayOfWeek

        /// The name used in error messages and in the "give 5 fields" hint.
        var name: String {
            switch self {
            case .minute: "minute"
            case .hour: "hour"
            case .dayOfMonth: "day-of-month"
            case .month: "month"
            case .dayOfWeek: "day-of-week"
            }
        }

        /// Values an author may write; day-of-week also takes 7 for Sunday, folded onto 0 after parsing.
        var accepted: ClosedRange<Int> {
            self == .dayOfWeek ? 0...7 : every
        }

        /// What `*` and an open-ended `5/15` cover; for day-of-week without the second Sunday, so `1/2` stays Mon-Wed-Fri.
        var every: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...6
            }
        }

        /// Three-letter names, the first standing for `every.lowerBound`.
        var names: [String] {
            switch self {
            case .month: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            case .dayOfWeek: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
            default: []
            }
        }

        /// What a value may be, for "not a number" messages.
        var valueDescription: String {
            switch self {
            case .month: "a number or month name (jan-dec)"
            case .dayOfWeek: "a number or day name (sun-sat)"
            default: "a number"
            }
        }
    }

    /// Bit `n` is set when value `n` is allowed; Sunday is always bit 0, never bit 7.
    let values: UInt64
    /// False when the text starts with `*` (even `*/2`): Vixie cron's test for the day-of-month/day-of-week OR rule.
    let isRestricted: Bool

    /// Parses one field's text: `*`, `5`, `1-5`, `mon-fri`, `*/15`, `10-50/10`, `5/15` and comma lists of these.
    init(parsing text: Substring, kind: Kind) throws(CronError) {
        var values: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw CronError.field(kind, text, "empty list item") }
            values |= try Self.parseItem(item, kind: kind)
        }
        if kind == .dayOfWeek, values & (1 << 7) != 0 {
            values = values & ~(1 << 7) | 1
        }
        self.values = values
        self.isRestricted = !text.hasPrefix("*")
    }

    /// Whether `value` is allowed.
    func contains(_ value: Int) -> Bool {
        (0..<64).contains(value) && values & (1 << UInt64(value)) != 0
    }

    /// The smallest allowed value that is at least `value`.
    func first(atOrAfter value: Int) -> Int? {
        guard (0..<64).contains(value) else { return nil }
        let rest = values >> UInt64(value)
        return rest == 0 ? nil : value + rest.trailingZeroBitCount
    }

    /// One list item as a bit set: a value or range, optionally with a step.
    private static func parseItem(_ item: Substring, kind: Kind) throws(CronError) -> UInt64 {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw malformed(item, kind) }
        let step = parts.count == 2 ? try parseStep(parts[1], item: item, kind: kind) : 1
        let range = try parseRange(parts[0], item: item, kind: kind, hasStep: parts.count == 2)
        var bits: UInt64 = 0
        for value in stride(from: range.lowerBound, through: range.upperBound, by: step) {
            bits |= 1 << UInt64(value)
        }
        return bits
    }

    /// `*`, `N` or `N-M`; with a step, a lone `N` runs to the field's end (`5/15` is `5-59/15`).
    private static func parseRange(_ text: Substring, item: Substring, kind: Kind, hasStep: Bool) throws(CronError) -> ClosedRange<Int> {
        if text == "*" { return kind.every }
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count <= 2, ends.allSatisfy({ !$0.isEmpty && $0 != "*" }) else { throw malformed(item, kind) }
        let low = try parseValue(ends[0], kind: kind)
        guard ends.count == 2 else { return hasStep ? low...max(low, kind.every.upperBound) : low...low }
        var high = try parseValue(ends[1], kind: kind)
        // `sat-sun` reads naturally, and Sunday is also 7, so let it end a range that starts later in the week.
        if kind == .dayOfWeek, high == 0, low > 0 {
            high = 7
        }
        guard low <= high else {
            let split = "\(low)-\(kind.every.upperBound),\(kind.every.lowerBound)-\(high)"
            throw CronError.field(kind, item, "range runs backwards; ranges do not wrap around, so write \(split)")
        }
        return low...high
    }

    /// A number or (for months and weekdays) a three-letter name, within the field's range.
    private static func parseValue(_ text: Substring, kind: Kind) throws(CronError) -> Int {
        let value: Int
        if !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) {
            // All digits but too long for Int is just a very large number.
            value = Int(text) ?? .max
        } else if let index = kind.names.firstIndex(of: text.lowercased()) {
            return kind.every.lowerBound + index
        } else {
            let prefix = String(text.lowercased().prefix(3))
            let hint = text.count > 3 && kind.names.contains(prefix) ? " (did you mean '\(prefix)'?)" : ""
            throw CronError.field(kind, text, "not \(kind.valueDescription)\(hint)")
        }
        let range = kind.accepted
        guard range.contains(value) else {
            throw CronError.field(kind, text, "out of range \(range.lowerBound)-\(range.upperBound)")
        }
        return value
    }

    /// A step of at least 1; one spanning the whole field would only ever select the start, so it is surely a mistake
    /// (`*/90` in the minute field does not mean "every 90 minutes").
    private static func parseStep(_ text: Substring, item: Substring, kind: Kind) throws(CronError) -> Int {
        guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) else {
            throw CronError.field(kind, item, "step '\(text)' is not a number")
        }
        let largest = kind.every.upperBound - kind.every.lowerBound
        let step = Int(text) ?? .max
        guard step >= 1 else { throw CronError.field(kind, item, "step must be at least 1") }
        guard step <= largest else {
            throw CronError.field(kind, item, "step \(text) is larger than the field allows (at most \(largest))")
        }
        return step
    }

    private static func malformed(_ item: Substring, _ kind: Kind) -> CronError {
        CronError.field(kind, item, "not a value, range or step; write e.g. 5, 1-5, */15 or 10-50/10")
    }
}
