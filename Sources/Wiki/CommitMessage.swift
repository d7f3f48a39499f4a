/// Builds the full text of a commit message from its free text and trailers.
enum CommitMessage {
    /// The message with trailing whitespace removed and a final newline, then, when there are trailers,
    /// a blank line and one `Key: value` line per trailer.
    static func compose(_ message: String, trailers: [Trailer]) throws(WikiError) -> String {
        let text = trimmingTrailingWhitespace(message)
        guard !text.allSatisfy(\.isWhitespace) else {
            throw WikiError.invalidCommitMessage(reason: "the message is empty")
        }
        for trailer in trailers {
            try trailer.validate()
        }
        guard !trailers.isEmpty else { return text + "\n" }
        return text + "\n\n" + trailers.map(\.line).joined(separator: "\n") + "\n"
    }

    /// The first line, for reflog messages.
    static func summary(of message: String) -> String {
        let trimmed = message.drop(while: \.isWhitespace)
        return String(trimmed.prefix(while: { !$0.isNewline }))
    }

    private static func trimmingTrailingWhitespace(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last.isWhitespace {
            text.removeLast()
        }
        return String(text)
    }
}
