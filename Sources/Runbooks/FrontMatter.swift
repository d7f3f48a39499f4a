import Yams

/// The settings from a runbook's YAML front matter, checked key by key with errors at the YAML's own lines.
///
/// Front matter exists only if the first line is `---` (trailing blanks tolerated); it ends at the next
/// `---` or `...` line. Keys are a closed set: an unknown key is an error, because a misspelt `tittle` or
/// `concurency` silently ignored is a runbook that behaves differently from what its author reads.
struct FrontMatter {
    static let knownKeys = [
        "title", "owner", "service", "category", "assignment_group", "tags", "match", "impact", "urgency", "params",
        "timeout", "concurrency", "resolve", "description", "escalation", "schedule",
    ]

    var title: String?
    var owner: String?
    var service: String?
    var category: String?
    var assignmentGroup: String?
    var description: String?
    var tags: [String] = []
    var matchers: [Matcher] = []
    var impact: Int?
    var urgency: Int?
    var parameters: [Parameter] = []
    var timeout: TimeSpan?
    var concurrency: Int?
    var resolve = ResolvePolicy.auto
    var escalation: String?
    var schedule: RunbookSchedule?

    /// Where the front matter sits in the file's lines.
    struct Location {
        /// The YAML text between the delimiters.
        var yaml: String
        /// The number of file lines before the Markdown body (both delimiters included).
        var bodyLineOffset: Int
        /// The text after the closing delimiter's line: the Markdown body.
        var body: Substring
    }

    /// Finds the front matter in `text`; `nil` if the file has none; throws the line-1 error if it never ends.
    ///
    /// Works on slices of `text` rather than an array of lines, so that neither the YAML nor the body is
    /// re-joined from lines: `lines[a..<b].joined(separator: "\n")` is exactly the text between them.
    static func locate(in text: String) throws(SourceText.Rejection) -> Location? {
        let utf8 = text.utf8
        var lines = SourceText.Lines(text)
        guard let opening = lines.next(), isDelimiter(utf8[opening], closing: false) else { return nil }
        var lineIndex = 0
        while let line = lines.next() {
            lineIndex += 1
            guard isDelimiter(utf8[line], closing: true) else { continue }
            // From the line after the opening one up to the `\n` that ends the line before this one (none if empty).
            let yaml = utf8[utf8.index(after: opening.upperBound)..<line.lowerBound].dropLast()
            let bodyStart = line.upperBound == utf8.endIndex ? line.upperBound : utf8.index(after: line.upperBound)
            return Location(yaml: String(Substring(yaml)), bodyLineOffset: lineIndex + 1, body: text[bodyStart...])
        }
        throw SourceText.Rejection(line: 1, message: "front matter is not terminated: add a '---' line after the YAML")
    }

    /// Whether `line` is `---` (or, closing, `...`) with optional trailing blanks.
    ///
    /// Compared as bytes: the delimiters and blanks are ASCII, each byte of them is one Character, and no
    /// other text is canonically equivalent to them, so this is the Character comparison without its cost.
    private static func isDelimiter(_ line: Substring.UTF8View, closing: Bool) -> Bool {
        var trimmed = line
        while let last = trimmed.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            trimmed = trimmed.dropLast()
        }
        return trimmed.elementsEqual("---".utf8) || (closing && trimmed.elementsEqual("...".utf8))
    }

    /// No front matter: every setting at its default.
    init() {}

    /// Parses and checks `yaml`, whose first line is file line `firstLine`.
    init(yaml: String, firstLine: Int, findings: inout Findings) {
        if let (line, message) = YAMLPrecheck.problem(in: yaml) {
            findings.error(line + firstLine - 1, message)
            return
        }
        let root: Node?
        do {
            // The basic resolver leaves every scalar a string: the decoder reads scalars as text itself, and
            // implicit tag resolution (a regex per scalar) was half the cost of loading a wiki.
            root = try Yams.compose(yaml: yaml, .basic, .default, .utf8)
        } catch {
            let (line, message) = Self.describe(error, yaml: yaml)
            findings.error(line + firstLine - 1, message)
            return
        }
        guard let root else { return }
        var decoder = FrontMatterDecoder(firstLine: firstLine, findings: findings)
        decoder.decode(root, into: &self)
        findings = decoder.findings
    }

    /// A YAML error as (line within the YAML, message).
    private static func describe(_ error: any Error, yaml: String) -> (Int, String) {
        guard let error = error as? YamlError else { return (1, "invalid YAML in front matter: \(error)") }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let while_ = context.map { " (\($0.text))" } ?? ""
            return (mark.line, "invalid YAML in front matter: \(problem)\(while_)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return (context.mark.line, "front-matter key \(keys) appears more than once")
        default:
            return (1, "invalid YAML in front matter: \(error)")
        }
    }
}

/// Cheap checks before handing text to libyaml: constructs that are valid YAML but can make composing
/// (or comparing keys) explode in time or stack, and that no runbook needs.
///
/// The scan is defined on Characters but runs on bytes: every character it looks at is ASCII, so a line
/// of ASCII is read byte by byte (each byte is one Character), and only a line with other text pays for
/// grapheme breaking, its Characters reduced to the codes the scan distinguishes (see `code(of:)`).
enum YAMLPrecheck {
    /// Deeper than this is certainly not a runbook's front matter and risks the composer's recursion.
    static let maximumDepth = 64

    /// The first problem as (line within the YAML, message), or `nil`.
    static func problem(in yaml: String) -> (Int, String)? {
        guard !yaml.utf8.contains(UInt8(ascii: "\r")) else {
            // `\r\n` is one Character, which splitting at the byte `\n` would cut in two. Normalised
            // source text has no `\r`, so this is only for other callers.
            var scan = Scan()
            for (index, line) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if let message = scan.line(line.map(code(of:))) { return (index + 1, message) }
            }
            return nil
        }
        var contiguous = yaml
        return contiguous.withUTF8 { problem(inLinesOf: $0, of: yaml) }
    }

    /// Scans `bytes`, the UTF-8 of `text`, line by line (split at `\n`, as `split` with empty lines kept).
    private static func problem(inLinesOf bytes: UnsafeBufferPointer<UInt8>, of text: String) -> (Int, String)? {
        var scan = Scan()
        var lineNumber = 1
        var lineStart = 0
        while true {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let line = bytes[lineStart..<lineEnd]
            let message = line.allSatisfy { $0 < 0x80 } ? scan.line(line) : scan.line(characterCodes(of: text, in: lineStart..<lineEnd))
            if let message { return (lineNumber, message) }
            guard lineEnd < bytes.count else { return nil }
            lineStart = lineEnd + 1
            lineNumber += 1
        }
    }

    /// The codes of the Characters of the line at UTF-8 offsets `range` of `text` (a line with non-ASCII text).
    private static func characterCodes(of text: String, in range: Range<Int>) -> [UInt8] {
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let end = utf8.index(start, offsetBy: range.count)
        return text[start..<end].map(code(of:))
    }

    /// Stands for a whitespace Character that is not ASCII (or is `\r\n`).
    static let otherWhitespace: UInt8 = 0x80
    /// Stands for any other Character that is not a single ASCII character.
    static let otherCharacter: UInt8 = 0x81

    /// The scan's view of `character`: its ASCII code if it is exactly one ASCII scalar, else one of the
    /// two `other` codes, keeping the only property the scan asks of such characters (`isWhitespace`).
    static func code(of character: Character) -> UInt8 {
        let scalars = character.unicodeScalars
        if scalars.count == 1, let scalar = scalars.first, scalar.isASCII { return UInt8(scalar.value) }
        return character.isWhitespace ? otherWhitespace : otherCharacter
    }

    /// `Character.isWhitespace` of the character behind `code`.
    static func isWhitespace(_ code: UInt8) -> Bool {
        code == 0x20 || (0x09...0x0D).contains(code) || code == otherWhitespace
    }

    /// The state carried from line to line (flow brackets may span lines) and the per-line rules.
    private struct Scan {
        var flowDepth = 0

        /// Scans one line given as character codes; the problem's message, or `nil`.
        mutating func line(_ codes: some Collection<UInt8>) -> String? {
            let indent = codes.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "-") }.count
            var quote: UInt8?
            var previous = UInt8(ascii: " ")
            var anchorIndicator: UInt8?
            for code in codes {
                if let indicator = anchorIndicator, !isWhitespace(code) {
                    return anchorMessage(indicator)
                }
                anchorIndicator = nil
                if let open = quote {
                    if code == open { quote = nil }
                } else if code == UInt8(ascii: "#") && isWhitespace(previous) {
                    break
                } else if code == UInt8(ascii: "\"") || code == UInt8(ascii: "'") {
                    quote = isWhitespace(previous) || Self.opensFlowOrValue(previous) ? code : nil
                } else if code == UInt8(ascii: "[") || code == UInt8(ascii: "{") {
                    flowDepth += 1
                } else if code == UInt8(ascii: "]") || code == UInt8(ascii: "}") {
                    flowDepth = max(0, flowDepth - 1)
                } else if (code == UInt8(ascii: "&") || code == UInt8(ascii: "*"))
                    && (isWhitespace(previous) || Self.opensFlowItem(previous)) {
                    anchorIndicator = code
                }
                if indent / 2 + flowDepth > maximumDepth {
                    return "front matter is nested more than \(maximumDepth) levels deep"
                }
                previous = code
            }
            return nil
        }

        /// `[`, `{` or `,`: what may precede an anchor or alias in flow style.
        private static func opensFlowItem(_ code: UInt8) -> Bool {
            code == UInt8(ascii: "[") || code == UInt8(ascii: "{") || code == UInt8(ascii: ",")
        }

        /// `[`, `{`, `,` or `:`: what may precede a quoted scalar.
        private static func opensFlowOrValue(_ code: UInt8) -> Bool {
            opensFlowItem(code) || code == UInt8(ascii: ":")
        }
    }

    /// Anchors and aliases let a few lines describe an exponentially large document (the "billion laughs"),
    /// so they are refused outright; `&`/`*` followed by a space is ordinary text.
    private static func anchorMessage(_ indicator: UInt8) -> String {
        let indicator = Character(Unicode.Scalar(indicator))
        return "YAML anchors and aliases (\(indicator)name) are not supported in front matter; quote the value if you meant "
            + "a literal '\(indicator)'"
    }
}
