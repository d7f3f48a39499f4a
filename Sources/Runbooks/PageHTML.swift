internal import CCmark
import Foundation

/// A runbook page rendered as HTML by cmark, for people reading it in a browser.
public enum PageHTML {
    /// The HTML of `markdown`. Raw HTML and `javascript:` links in the page are left out (cmark's
    /// safe mode, its default), so a page cannot inject script into the server's responses.
    public static func render(_ markdown: String) -> String {
        renderMarkdown(markdown)
    }

    /// The HTML of a runbook page's body: its YAML front matter is settings, not prose, so it is left out (rendered
    /// as Markdown it became a paragraph, and `*` in a matcher's pattern turned into emphasis). A page whose front
    /// matter never ends is rendered whole, as lint reports it.
    public static func render(page text: String) -> String {
        guard let location = try? FrontMatter.locate(in: text) else { return renderMarkdown(text) }
        return renderMarkdown(String(location.body))
    }

    private static func renderMarkdown(_ markdown: String) -> String {
        let bytes = Array(markdown.utf8)
        guard let html = bytes.withUnsafeBufferPointer({ buffer in
            buffer.withMemoryRebound(to: CChar.self) { cmark_markdown_to_html($0.baseAddress, $0.count, CMARK_OPT_DEFAULT) }
        }) else { return "" }
        defer { free(html) }
        return String(cString: html)
    }
}
