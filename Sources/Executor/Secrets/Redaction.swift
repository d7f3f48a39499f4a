import Foundation

/// Replaces the values of a step's secrets in what it prints, before a line reaches the log, the audit branch,
/// the event stream or the API.
///
/// A value that spans lines (a private key, a certificate) is also redacted line by line, because output is
/// redacted one line at a time. Values and lines shorter than ``minimumLength`` are left alone: redacting `1` or
/// `ok` would blank out ordinary output and tell a reader which short word the secret is.
public struct Redaction: Sendable {
    /// Secrets this short are not searched for.
    public static let minimumLength = 4

    /// Search text → what replaces it, longest first so a value is replaced before a line of it.
    private let replacements: [(text: String, marker: String)]

    /// A redaction of `secrets`, name → value.
    public init(secrets: [String: String]) {
        var replacements: [(text: String, marker: String)] = []
        for (name, value) in secrets {
            let marker = "[redacted secret.\(name)]"
            var pieces = [value]
            pieces += value.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            for piece in pieces where piece.utf8.count >= Self.minimumLength && !replacements.contains(where: { $0.text == piece }) {
                replacements.append((piece, marker))
            }
        }
        self.replacements = replacements.sorted { $0.text.utf8.count > $1.text.utf8.count }
    }

    /// Whether there is nothing to redact.
    public var isEmpty: Bool { replacements.isEmpty }

    /// `line` with every secret value replaced by `[redacted secret.NAME]`.
    public func apply(_ line: String) -> String {
        var result = line
        for replacement in replacements where result.contains(replacement.text) {
            result = result.replacingOccurrences(of: replacement.text, with: replacement.marker)
        }
        return result
    }
}
