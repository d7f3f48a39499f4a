import Foundation

/// Slack's mrkdwn text rules: only `&`, `<` and `>` are special, and `<...>` makes links and mentions.
enum Mrkdwn {
    /// `text` with `&`, `<`, `>` escaped, so it cannot add a link or a mention such as `<!channel>` or `<@U1>`.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A link we add: `<url|text>`; the text is escaped and `|`, `<`, `>` in the URL are percent-encoded.
    static func link(_ url: URL, _ text: String) -> String {
        let target = url.absoluteString
            .replacingOccurrences(of: "|", with: "%7C")
            .replacingOccurrences(of: "<", with: "%3C")
            .replacingOccurrences(of: ">", with: "%3E")
        return "<\(target)|\(escape(text).replacingOccurrences(of: "|", with: "¦"))>"
    }
}
