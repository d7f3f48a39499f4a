internal import CCmark

/// The Markdown body parsed by cmark and flattened, in document order, to the blocks runbooks care about.
///
/// The cmark tree never leaves this type: it is converted and freed in the same call. The walk uses
/// cmark's iterator rather than recursion, so thousands of nested lists or quotes cannot exhaust the stack.
enum MarkdownDocument {
    /// Parses CommonMark `text` and returns its headings, paragraphs and code blocks.
    ///
    /// `text` is a slice (the body after the front matter), handed to cmark in place rather than copied.
    static func blocks(of text: Substring) -> [MarkdownBlock] {
        var text = text
        return text.withUTF8 { buffer in
            let document = buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parse_document(chars.baseAddress, chars.count, CMARK_OPT_DEFAULT)
            }
            guard let document else { return [] }
            defer { cmark_node_free(document) }
            return collectBlocks(in: document)
        }
    }

    private static func collectBlocks(in document: OpaquePointer) -> [MarkdownBlock] {
        guard let iterator = cmark_iter_new(document) else { return [] }
        defer { cmark_iter_free(iterator) }
        var blocks: [MarkdownBlock] = []
        var quoteDepth = 0
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_BLOCK_QUOTE {
                quoteDepth += event == CMARK_EVENT_ENTER ? 1 : -1
            } else if event == CMARK_EVENT_ENTER, let kind = kind(of: node, type: type) {
                let line = Int(cmark_node_get_start_line(node))
                blocks.append(MarkdownBlock(kind: kind, text: text(of: node, kind: kind), line: line, inBlockQuote: quoteDepth > 0))
            }
        }
        return blocks
    }

    private static func kind(of node: OpaquePointer, type: cmark_node_type) -> MarkdownBlock.Kind? {
        switch type {
        case CMARK_NODE_HEADING:
            return .heading(level: Int(cmark_node_get_heading_level(node)))
        case CMARK_NODE_PARAGRAPH:
            return .paragraph
        case CMARK_NODE_CODE_BLOCK:
            // cmark 0.30 cannot tell an indented block from a bare fence, and need not: only an info
            // string makes a step, and indented code blocks never have one.
            return .code(info: string(cmark_node_get_fence_info(node)))
        default:
            return nil
        }
    }

    private static func text(of node: OpaquePointer, kind: MarkdownBlock.Kind) -> String {
        switch kind {
        case .code: string(cmark_node_get_literal(node))
        case .heading, .paragraph: plainText(of: node)
        }
    }

    /// Inline content as plain text: code spans keep their text, breaks become spaces or newlines,
    /// raw HTML is dropped (it is markup, not words).
    private static func plainText(of node: OpaquePointer) -> String {
        guard let iterator = cmark_iter_new(node) else { return "" }
        defer { cmark_iter_free(iterator) }
        var text = ""
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(child) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE: text += string(cmark_node_get_literal(child))
            case CMARK_NODE_SOFTBREAK: text += " "
            case CMARK_NODE_LINEBREAK: text += "\n"
            default: break
            }
        }
        return text
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
