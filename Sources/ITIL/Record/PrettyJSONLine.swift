/// Checks one line of JSON as `JSONEncoder` pretty-prints it (one key or value per line), to point at the line
/// that broke a record's header.
enum PrettyJSONLine {
    /// Whether `line` is `{`, `}`, `[`, `]`, a value, or `"key" : value`, each optionally followed by a comma.
    static func isWellFormed(_ line: Substring) -> Bool {
        var rest = line.drop(while: { $0 == " " })[...]
        if rest.last == "," { rest = rest.dropLast() }
        if ["{", "}", "[", "]", ""].contains(rest) { return true }
        if rest.first == "\"", let afterKey = stringEnd(rest), afterKey.hasPrefix(" : ") {
            return isValue(afterKey.dropFirst(3))
        }
        return isValue(rest)
    }

    private static func isValue(_ text: Substring) -> Bool {
        if ["{", "[", "{}", "[]", "{ }", "[ ]", "true", "false", "null"].contains(text) { return true }
        if text.first == "\"" { return stringEnd(text)?.isEmpty == true }
        return Double(text) != nil
    }

    /// What follows a JSON string literal at the start of `text`, or `nil` when the literal is malformed.
    private static func stringEnd(_ text: Substring) -> Substring? {
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            switch text[index] {
            case "\"":
                return text[text.index(after: index)...]
            case "\\":
                index = text.index(after: index)
                guard index < text.endIndex, "\"\\/bfnrtu".contains(text[index]) else { return nil }
            default:
                guard text[index].unicodeScalars.allSatisfy({ $0.value >= 0x20 }) else { return nil }
            }
            index = text.index(after: index)
        }
        return nil
    }
}
