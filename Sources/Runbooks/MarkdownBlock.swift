/// A block of the Markdown body that matters to runbooks, already out of cmark and in body line numbers.
struct MarkdownBlock: Equatable {
    enum Kind: Equatable {
        /// A heading of level 1...6.
        case heading(level: Int)
        /// A paragraph; `text` is its plain text.
        case paragraph
        /// A code block; `text` is its content. `info` is empty for indented code and bare fences.
        case code(info: String)
    }

    var kind: Kind
    /// Plain text for headings and paragraphs, the literal content for code.
    var text: String
    /// 1-based line in the Markdown body (not the file).
    var line: Int
    /// Whether the block sits inside a block quote, at any depth.
    var inBlockQuote: Bool
}
