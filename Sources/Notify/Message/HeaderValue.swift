import Foundation

/// Text made safe for one header line (HTTP or MIME): a value from a label can never start another header.
enum HeaderValue {
    /// `text` with every control character (CR and LF among them) turned into a space, runs of spaces collapsed and
    /// ends trimmed.
    static func singleLine(_ text: String) -> String {
        var result = ""
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            let isSpace = scalar.properties.generalCategory == .control || scalar == " " || scalar.value == 0x2028 || scalar.value == 0x2029
            if isSpace {
                if !lastWasSpace { result += " " }
                lastWasSpace = true
            } else {
                result.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        return result.trimmingCharacters(in: .whitespaces)
    }

    /// `singleLine(text)` with every non-ASCII character dropped, for headers that take ASCII only.
    static func ascii(_ text: String) -> String {
        String(String.UnicodeScalarView(singleLine(text).unicodeScalars.filter { $0.isASCII }))
    }

    /// A token such as an idempotency key: printable ASCII without spaces.
    static func token(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F }))
    }

    /// `singleLine(text)`, as RFC 2047 encoded words if it has non-ASCII characters.
    ///
    /// - Parameter separator: what joins the encoded words: `" "` in HTTP, `"\r\n "` (a folded MIME line) in email.
    static func encodedWords(_ text: String, separator: String = " ") -> String {
        let line = singleLine(text)
        if line.unicodeScalars.allSatisfy({ $0.isASCII }) && !line.contains("=?") { return line }
        return EncodedWord.encode(line).joined(separator: separator)
    }
}

/// RFC 2047 "B" encoded words in UTF-8: `=?UTF-8?B?<base64>?=`.
enum EncodedWord {
    /// A word holds at most 45 bytes (60 base64 characters, 72 with the frame), under RFC 2047's 75; characters are
    /// never split across words.
    static func encode(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append(frame(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(frame(chunk)) }
        return words
    }

    private static func frame(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }
}
