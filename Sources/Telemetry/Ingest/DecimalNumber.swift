/// Number syntax shared by the text formats, read straight from bytes.
///
/// Strings are made only on the rare slow path (more than 19 digits or an exponent beyond 10^±22),
/// where the standard library's correctly rounded conversion takes over.
enum DecimalNumber {
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// `[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?`; nil when the syntax is anything else.
    /// Values too large for a Double come back infinite, for the caller to count.
    static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        let count = bytes.count
        var negative = false
        if index < count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var digits = 0
        var exact = true
        while index < count, bytes[index] &- 48 < 10 {
            accumulate(bytes[index] &- 48, &mantissa, &significantDigits, &exact)
            if significantDigits > 19 { exponent += 1 }
            digits += 1
            index += 1
        }
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < count, bytes[index] &- 48 < 10 {
                accumulate(bytes[index] &- 48, &mantissa, &significantDigits, &exact)
                if significantDigits <= 19 { exponent -= 1 }
                digits += 1
                index += 1
            }
        }
        guard digits > 0 else { return nil }
        if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var written = 0
            var value = 0
            while index < count, bytes[index] &- 48 < 10 {
                if value < 100_000 { value = value * 10 + Int(bytes[index] &- 48) }
                written += 1
                index += 1
            }
            guard written > 0 else { return nil }
            exponent += exponentNegative ? -value : value
        }
        guard index == count else { return nil }
        if exact, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            let magnitude = exponent >= 0 ? Double(mantissa) * powersOfTen[exponent] : Double(mantissa) / powersOfTen[-exponent]
            return negative ? -magnitude : magnitude
        }
        return Double(String(decoding: bytes, as: UTF8.self)) ?? (negative ? -.infinity : .infinity)
    }

    /// Digits after the 19th no longer fit; the result is then inexact and takes the slow path.
    @inline(__always)
    private static func accumulate(_ digit: UInt8, _ mantissa: inout UInt64, _ significant: inout Int, _ exact: inout Bool) {
        if significant == 0 && digit == 0 { return }
        if significant < 19 {
            mantissa = mantissa &* 10 &+ UInt64(digit)
        } else {
            exact = false
        }
        significant += 1
    }

    /// `[+-]?digits` within Int64; nil otherwise.
    static func int64(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard let magnitude = uint64(UnsafeBufferPointer(rebasing: bytes[index...])) else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// `digits` within UInt64; nil otherwise.
    static func uint64(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard !bytes.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            let digit = byte &- 48
            guard digit < 10 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }
}
