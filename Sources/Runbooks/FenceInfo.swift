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

    init(_ info: String) {
        var rest = Substring(info).drop { $0.isWhitespace }
        language = String(rest.prefix { !$0.isWhitespace && $0 != "{" })
        rest = rest.dropFirst(language.count).drop { $0.isWhitespace }
        guard !rest.isEmpty else { return }
        guard rest.first == "{" else {
            problem = "unexpected text '\(rest)' after the fence language '\(language)'; attributes go in braces: \(language) {key=value}"
            return
        }
        hasAttributeBlock = true
        var scanner = AttributeScanner(rest: rest.dropFirst(), language: language)
        do {
            attributes = try scanner.scan()
        } catch {
            problem = error.message
        }
    }
}

/// Reads `key=value` pairs up to the closing brace.
private struct AttributeScanner {
    var rest: Substring
    let language: String

    struct Problem: Error {
        let message: String
    }

    mutating func scan() throws(Problem) -> [FenceInfo.Attribute] {
        var attributes: [FenceInfo.Attribute] = []
        while true {
            rest = rest.drop { $0.isWhitespace || $0 == "," }
            guard let next = rest.first else { throw Problem(message: "unbalanced braces in fence info: missing '}'") }
            if next == "}" {
                rest = rest.dropFirst().drop { $0.isWhitespace }
                guard rest.isEmpty else { throw Problem(message: "unexpected text '\(rest)' after '}' in fence info") }
                return attributes
            }
            attributes.append(try attribute())
        }
    }

    private mutating func attribute() throws(Problem) -> FenceInfo.Attribute {
        let key = String(rest.prefix { !$0.isWhitespace && !"=,{}\"'".contains($0) })
        rest = rest.dropFirst(key.count)
        guard !key.isEmpty else {
            throw Problem(message: "unexpected '\(rest.prefix(1))' in fence attributes; expected key=value")
        }
        guard rest.first == "=" else {
            throw Problem(message: "attribute '\(key)' has no value; write \(key)=value")
        }
        rest = rest.dropFirst()
        return FenceInfo.Attribute(key: key, value: try value(for: key))
    }

    private mutating func value(for key: String) throws(Problem) -> String {
        guard let quote = rest.first, quote == "\"" || quote == "'" else {
            let value = rest.prefix { !$0.isWhitespace && $0 != "," && $0 != "}" }
            if value.contains("{") { throw Problem(message: "unbalanced braces in fence info: unexpected '{'") }
            rest = rest.dropFirst(value.count)
            return String(value)
        }
        rest = rest.dropFirst()
        var value = ""
        while let character = rest.popFirst() {
            if character == quote { return value }
            if character == "\\", quote == "\"", let escaped = rest.first, escaped == "\"" || escaped == "\\" {
                rest = rest.dropFirst()
                value.append(escaped)
            } else {
                value.append(character)
            }
        }
        throw Problem(message: "unterminated quoted value for attribute '\(key)'")
    }
}
