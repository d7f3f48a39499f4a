/// The sentence spoken for a notification, stripped of anything a speech engine might interpret.
///
/// Control characters, tags (`<...>`, SSML included) and entities (`&...;`) are removed and the text is capped at
/// `maximumLength` characters on a word boundary, so a label can neither change the voice nor talk for minutes.
public struct Announcement: Sendable, Hashable {
    /// The longest announcement, in characters.
    public static let maximumLength = 300

    /// The text to speak: already clean.
    public let text: String

    /// The announcement of `message`, from `template` or the default for its kind.
    public init(_ message: NotificationMessage, template: String? = nil) {
        let template = template ?? Self.defaultTemplate(for: message.kind)
        var text = template
        let values: [(String, String)] = [
            ("{incident}", message.incident), ("{number}", String(message.number)),
            ("{priority}", String(message.clampedPriority)), ("{title}", message.title),
            ("{service}", message.service), ("{recipient}", message.recipient),
        ]
        for (placeholder, value) in values { text = text.replacingOccurrences(of: placeholder, with: Self.clean(value)) }
        self.text = Self.clean(text)
    }

    /// An announcement of free text, cleaned the same way.
    public init(text: String) {
        self.text = Self.clean(text)
    }

    /// The default sentence: "Incident 42, priority 1, disk almost full on db1".
    public static func defaultTemplate(for kind: NotificationMessage.Kind) -> String {
        switch kind {
        case .page: "Incident {number}, priority {priority}, {title}"
        case .resolved: "Incident {number} resolved, {title}"
        case .digest: "{title}"
        case .test: "This is a test announcement. {title}"
        }
    }

    /// `text` without markup, entities and control characters, with spaces collapsed and capped at `maximumLength`.
    public static func clean(_ text: String) -> String {
        let spoken = collapseSpaces(removeEntities(removeTags(text)))
        return cap(spoken, at: maximumLength)
    }

    /// Drops `<...>`; a `<` with no closing `>` drops the rest, which cannot be spoken sensibly anyway.
    static func removeTags(_ text: String) -> String {
        var result = ""
        var inTag = false
        for character in text {
            if inTag {
                if character == ">" { inTag = false; result += " " }
            } else if character == "<" {
                inTag = true
            } else if character != ">" {
                result.append(character)
            }
        }
        return result
    }

    /// Turns `&name;` and `&#123;` into a space (an entity is often `&nbsp;` between words); a lone `&` is read as "and".
    static func removeEntities(_ text: String) -> String {
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "&" else { result.append(character); index = text.index(after: index); continue }
            let tail = text[text.index(after: index)...].prefix(12)
            if let semicolon = tail.firstIndex(of: ";"), tail[..<semicolon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "#" }),
                semicolon > tail.startIndex {
                result += " "
                index = text.index(after: semicolon)
            } else {
                result += " and "
                index = text.index(after: index)
            }
        }
        return result
    }

    static func collapseSpaces(_ text: String) -> String {
        var result = ""
        var lastWasSpace = true
        for scalar in text.unicodeScalars {
            let isSpace = scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
                || scalar.properties.generalCategory == .format
            if isSpace {
                if !lastWasSpace { result += " " }
                lastWasSpace = true
            } else {
                result.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        return result.hasSuffix(" ") ? String(result.dropLast()) : result
    }

    static func cap(_ text: String, at length: Int) -> String {
        guard text.count > length else { return text }
        let cut = text.prefix(length)
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > length / 2 {
            return String(cut[..<space])
        }
        return String(cut)
    }
}
