import Foundation

/// The one text form of times in incident records: UTC, ISO 8601, always three fractional digits
/// (`2026-05-01T12:34:56.789Z`).
///
/// Hand-written rather than `ISO8601DateFormatter` because start-up parses millions of these (100,000 records with
/// several times each), and because a fixed width keeps diffs aligned. Times are kept to the millisecond: the model
/// rounds every time it stores with ``rounded(_:)``, so writing and reading a record gives back equal values.
public enum Timestamp {
    /// Seconds from 1970-01-01 to 2001-01-01 (Foundation's reference date), as whole milliseconds.
    private static let referenceDateMilliseconds: Int64 = 978_307_200_000

    /// `date` rounded to the nearest millisecond.
    ///
    /// Works on the time since the reference date, which is what `Date` stores, so that no conversion to 1970-based
    /// seconds adds a rounding error.
    static func rounded(_ date: Date) -> Date {
        Date(timeIntervalSinceReferenceDate: (date.timeIntervalSinceReferenceDate * 1000).rounded() / 1000)
    }

    /// `2026-05-01T12:34:56.789Z`.
    public static func format(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSinceReferenceDate * 1000).rounded()) + referenceDateMilliseconds
        let (days, dayMilliseconds) = floorDivision(milliseconds, 86_400_000)
        let (year, month, day) = civil(fromDays: days)
        let time = Int(dayMilliseconds)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += "T" + pad(time / 3_600_000, 2) + ":" + pad(time / 60_000 % 60, 2) + ":" + pad(time / 1000 % 60, 2)
        text += "." + pad(time % 1000, 3) + "Z"
        return text
    }

    /// Reads exactly the form ``format(_:)`` writes; `nil` for anything else.
    public static func parse(_ text: some StringProtocol) -> Date? {
        let digits = DigitReader(text.utf8)
        guard digits.count == 24,
              let year = digits.number(at: 0, length: 4), digits.byte(at: 4) == "-",
              let month = digits.number(at: 5, length: 2), digits.byte(at: 7) == "-",
              let day = digits.number(at: 8, length: 2), digits.byte(at: 10) == "T",
              let hour = digits.number(at: 11, length: 2), digits.byte(at: 13) == ":",
              let minute = digits.number(at: 14, length: 2), digits.byte(at: 16) == ":",
              let second = digits.number(at: 17, length: 2), digits.byte(at: 19) == ".",
              let millisecond = digits.number(at: 20, length: 3), digits.byte(at: 23) == "Z",
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60
        else { return nil }
        let days = Int64(daysFromCivil(year: year, month: month, day: day))
        let dayMilliseconds = Int64(((hour * 60 + minute) * 60 + second) * 1000 + millisecond)
        let milliseconds = days * 86_400_000 + dayMilliseconds - referenceDateMilliseconds
        return Date(timeIntervalSinceReferenceDate: Double(milliseconds) / 1000)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = ((value % divisor) + divisor) % divisor
        return ((value - remainder) / divisor, remainder)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    // Howard Hinnant's days_from_civil / civil_from_days: proleptic Gregorian calendar, day 0 = 1970-01-01.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Fixed-position reading of ASCII digits, without allocating.
private struct DigitReader<Bytes: Collection<UInt8>> {
    let bytes: [UInt8]

    init(_ bytes: Bytes) {
        self.bytes = Array(bytes.prefix(25))
    }

    var count: Int { bytes.count }

    func byte(at offset: Int) -> Character {
        Character(Unicode.Scalar(bytes[offset]))
    }

    func number(at offset: Int, length: Int) -> Int? {
        var value = 0
        for byte in bytes[offset..<offset + length] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
