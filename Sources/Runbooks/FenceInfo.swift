import Foundation

/// The info string of a fenced code block, Runme style: a language, then optional `{key=value ...}`.
///
/// Only the syntax is checked here (braces, quotes, `key=value` shape); what the keys mean is up to
/// `StepAttributes`. Values may be bare (`30s`) or quoted with `"..."` (with `\"` and `\\`) or `'...'`.
/// Commas between pairs are tolerated because Runme and Quarto users write them.
struct FenceInfo: Equatable {
    struct Attribute: Equatable {
        var key: String
        var value: String
    }

    /// The first word: `sh`, `bash`, `text`, ...
    var language: String
    /// The attributes in written order.
    var attributes: [Attribute] = []
    /// Whether braces were present at all (a sign the author meant a step).
    var hasAttributeBlock = false
    /// The first syntax problem, if any; parsing stops there.
    var problem: String?

    /// Parses `info`, reading it as Characters, or as UTF-8 bytes when that cannot differ.
    ///
    /// Almost every info string is ASCII, where each byte is exactly one Character (except `\r\n`, which
    /// is one Character of two bytes, hence the `\r` test), so the byte reading gives the same result
    /// without grapheme breaking, which made this the costliest part of reading a runbook body.
    init(_ info: String) {
        if info.utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "\r") }) {
            self.init(scanning: Substring(info).utf8)
        } else {
            self.init(scanning: Substring(info))
        }
    }

    /// Parses `info` read as units of `Text` (Characters or ASCII bytes); `FenceInfo(_:)` picks the reading.
    init<Text: FenceInfoText>(scanning info: Text) {
        var rest = info.drop { $0.isWhitespace }
        let languageText = rest.prefix { !$0.isWhitespace && !$0.is("{") }
        language = languageText.text
        rest = rest[languageText.endIndex...].drop { $0.isWhitespace }
        guard !rest.isEmpty else { return }
        guard let open = rest.first, open.is("{") else {
            problem = "unexpected text '\(rest.text)' after the fence language '\(language)'; attributes go in braces: \(language) {key=value}"
            return
        }
        hasAttributeBlock = true
        var scanner = AttributeScanner(rest: rest.dropFirst())
        do {
            attributes = try scanner.scan()
        } catch {
            problem = error.message
        }
    }
}

/// Text the fence-info scanner can read: a `Substring` (Characters), or the UTF-8 view of an ASCII one.
protocol FenceInfoText: BidirectionalCollection where SubSequence == Self, Element: FenceInfoUnit {
    /// The units as a `String`, for keys, values and messages.
    var text: String { get }
    /// Whether the text contains `{`.
    var containsOpeningBrace: Bool { get }
}

/// One unit of fence-info text: a `Character`, or a byte of ASCII text (which is one Character).
protocol FenceInfoUnit: Equatable {
    /// `Character.isWhitespace` of the character this unit is.
    var isWhitespace: Bool { get }
    /// Whether this unit is the ASCII character `ascii`.
    func `is`(_ ascii: Unicode.Scalar) -> Bool
    /// Appends the character this unit is to `string`.
    func append(to string: inout String)
}

extension FenceInfoUnit {
    /// Whether this unit may be part of an attribute key: not blank, not `=`, `,`, a brace or a quote.
    var canBeInKey: Bool {
        !isWhitespace && !self.is("=") && !self.is(",") && !self.is("{") && !self.is("}") && !self.is("\"") && !self.is("'")
    }
}

extension Substring: FenceInfoText {
    var text: String { String(self) }
    // Foundation's substring search, as this has always been, so non-ASCII text behaves exactly as before.
    var containsOpeningBrace: Bool { contains("{") }
}

extension Substring.UTF8View: FenceInfoText {
    var text: String { String(Substring(self)) }
    var containsOpeningBrace: Bool { contains(UInt8(ascii: "{")) }
}

extension Character: FenceInfoUnit {
    func `is`(_ ascii: Unicode.Scalar) -> Bool { self == Character(ascii) }
    func append(to string: inout String) { string.append(self) }
}

extension UInt8: FenceInfoUnit {
    /// Only meaningful for ASCII: the bytes whose Character is whitespace (tab, LF, VT, FF, CR, space).
    var isWhitespace: Bool { self == 0x20 || (0x09...0x0D).contains(self) }
    func `is`(_ ascii: Unicode.Scalar) -> Bool { UInt32(self) == ascii.value }
    func append(to string: inout String) { string.unicodeScalars.append(Unicode.Scalar(self)) }
}

/// Reads `key=value` pairs up to the closing brace.
private struct AttributeScanner<Text: FenceInfoText> {
    var rest: Text

    struct Problem: Error {
        let message: String
    }

    mutating func scan() throws(Problem) -> [FenceInfo.Attribute] {
        var attributes: [FenceInfo.Attribute] = []
        while true {
            rest = rest.drop { $0.isWhitespace || $0.is(",") }
            guard let next = rest.first else { throw Problem(message: "unbalanced braces in fence info: missing '}'") }
            if next.is("}") {
                rest = rest.dropFirst().drop { $0.isWhitespace }
                guard rest.isEmpty else { throw Problem(message: "unexpected text '\(rest.text)' after '}' in fence info") }
                return attributes
            }
            attributes.append(try attribute())
        }
    }

    private mutating func attribute() throws(Problem) -> FenceInfo.Attribute {
        let keyText = rest.prefix { $0.canBeInKey }
        let key = keyText.text
        // Slicing at the prefix's end, not dropping `key.count` Characters: counting is O(n) for a Substring.
        rest = rest[keyText.endIndex...]
        guard !key.isEmpty else {
            throw Problem(message: "unexpected '\(rest.prefix(1).text)' in fence attributes; expected key=value")
        }
        guard let equals = rest.first, equals.is("=") else {
            throw Problem(message: "attribute '\(key)' has no value; write \(key)=value")
        }
        rest = rest.dropFirst()
        return FenceInfo.Attribute(key: key, value: try value(for: key))
    }

    private mutating func value(for key: String) throws(Problem) -> String {
        guard let quote = rest.first, quote.is("\"") || quote.is("'") else {
            // `host=${HOST}`: a parameter reference is one bare value, braces and all.
            if rest.first?.is("$") == true, rest.dropFirst().first?.is("{") == true,
               let close = rest.firstIndex(where: { $0.is("}") }) {
                let value = rest[..<rest.index(after: close)]
                rest = rest[value.endIndex...]
                return value.text
            }
            let value = rest.prefix { !$0.isWhitespace && !$0.is(",") && !$0.is("}") }
            if value.containsOpeningBrace { throw Problem(message: "unbalanced braces in fence info: unexpected '{'") }
            rest = rest[value.endIndex...]
            return value.text
        }
        rest = rest.dropFirst()
        var value = ""
        while let unit = rest.popFirst() {
            if unit == quote { return value }
            if unit.is("\\"), quote.is("\""), let escaped = rest.first, escaped.is("\"") || escaped.is("\\") {
                rest = rest.dropFirst()
                escaped.append(to: &value)
            } else {
                unit.append(to: &value)
            }
        }
        throw Problem(message: "unterminated quoted value for attribute '\(key)'")
    }
}
