import Foundation

/// Where command output goes: results to stdout, notes and errors to stderr.
enum Console {
    /// Writes a line of the command's result to stdout.
    static func out(_ line: String = "") {
        // Written straight to the descriptor, not through stdio's buffer, so live progress is
        // live even into a pipe or a CI log.
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Writes a progress or status note to stderr, so it never mixes into piped results.
    static func note(_ line: String) {
        FileHandle.standardError.write(Data("runbook: \(line)\n".utf8))
    }

    /// `text` with control characters shown as `\u{1B}` escapes: labels and notes come from
    /// outside, and an escape sequence printed raw could rewrite the reader's terminal.
    static func printable(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control, scalar != "\n", scalar != "\t" {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Writes a failure line to stderr as given (`audit verify: 1a2b3c4 …`), for results that are not errors of the
    /// command itself.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }

    /// Encodes a value as the JSON the CLI prints with `--json`: snake_case keys, sorted, indented.
    static func json<Value: Encodable>(_ value: Value, encoder: JSONEncoder = defaultEncoder) throws {
        out(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Snake-case keys, sorted and indented, so output diffs and greps well.
    static var defaultEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }
}

/// A failure the CLI reports as `Error: message` on stderr with exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
