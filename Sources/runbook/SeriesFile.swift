import Foundation
import Telemetry

/// One `timestamp,value` file read for scoring, with the text of each row kept for the output.
struct SeriesFile {
    struct Row {
        let timestamp: Substring
        let valueText: Substring
        let sample: Sample
    }

    /// Reads and checks the whole file; every problem names `file:line`.
    static func read(_ path: String) throws -> [Row] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CLIError("cannot read \(path): \((error as NSError).localizedDescription)")
        }
        let text = String(decoding: data, as: UTF8.self)
        var rows: [Row] = []
        var lineNumber = 0
        // By Character, so "\r\n" (as in several NAB files) is one line break.
        for content in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            if lineNumber == 1 {
                guard content.split(separator: ",").count >= 2 else {
                    throw CLIError("\(path):1: expected a header line with timestamp and value columns, got '\(content.prefix(80))'")
                }
                continue
            }
            if content.allSatisfy(\.isWhitespace) { continue }
            rows.append(try row(content, at: "\(path):\(lineNumber)"))
        }
        return rows
    }

    private static func row(_ line: Substring, at place: String) throws -> Row {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count >= 2 else { throw CLIError("\(place): expected timestamp,value, got '\(line.prefix(80))'") }
        let stamp = fields[0].trimmingCharacters(in: .whitespaces)
        let valueText = fields[1].trimmingCharacters(in: .whitespaces)
        guard let milliseconds = milliseconds(utc: stamp) else {
            throw CLIError("\(place): timestamp '\(stamp.prefix(40))' is not YYYY-MM-DD HH:MM:SS")
        }
        guard let value = Double(valueText) else { throw CLIError("\(place): value '\(valueText.prefix(40))' is not a number") }
        guard value.isFinite else { throw CLIError("\(place): value '\(valueText)' is not finite") }
        return Row(timestamp: fields[0], valueText: fields[1], sample: Sample(timestampMilliseconds: milliseconds, value: value))
    }

    /// `YYYY-MM-DD HH:MM:SS` (or with `T`, optional fractional seconds) read as UTC.
    static func milliseconds(utc text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var result = 0
            for index in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
                result = result * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            }
            return result
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var fraction = 0.0
        if bytes.count > 19 {
            guard bytes[19] == UInt8(ascii: "."), bytes.count > 20, let digits = number(20..<bytes.count) else { return nil }
            fraction = Double(digits) / pow(10, Double(bytes.count - 20))
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(((days * 24 + hour) * 60 + minute) * 60 + second)
        return seconds * 1000 + Int64(fraction * 1000)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
