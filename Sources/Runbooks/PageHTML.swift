internal import CCmark
import Foundation

/// A runbook page rendered as HTML by cmark, for people reading it in a browser.
public enum PageHTML {
    /// The HTML of `markdown`. Raw HTML and `javascript:` links in the page are left out (cmark's
    /// safe mode, its default), so a page cannot inject script into the server's responses.
    public static func render(_ markdown: String) -> String {
        renderMarkdown(markdown)
    }

    /// The HTML of a runbook page's body with each of its executable steps marked.
    ///
    /// The YAML front matter is settings, not prose, so it is left out (rendered as Markdown it became a paragraph,
    /// and `*` in a matcher's pattern turned into emphasis); a page whose front matter never ends is rendered whole,
    /// as lint reports it. Each step's fence is wrapped in `<figure class="step" id="step-ID">` with a caption giving
    /// its number, title and attributes, so a reader tells the code that runs from the code that only illustrates.
    public static func render(runbook page: String, steps: [Step] = []) -> String {
        var body = Substring(page)
        var skippedLines = 0
        if let location = try? FrontMatter.locate(in: page) {
            body = location.body
            skippedLines = page[..<location.body.startIndex].count(where: { $0 == "\n" })
        }
        let html = renderMarkdown(String(body), options: CMARK_OPT_DEFAULT | CMARK_OPT_SOURCEPOS)
        let byLine = Dictionary(steps.enumerated().map { ($1.line - skippedLines, ($0 + 1, $1)) }) { first, _ in first }
        return mark(html, byLine)
    }

    /// Wraps every `<pre data-sourcepos="LINE:...">` whose line opens a step; drops the other positions.
    private static func mark(_ html: String, _ steps: [Int: (number: Int, step: Step)]) -> String {
        var result = ""
        var rest = Substring(html)
        var open: Int?
        while let range = rest.range(of: " data-sourcepos=\"") {
            let tagStart = rest[..<range.lowerBound].lastIndex(of: "<") ?? range.lowerBound
            let isPre = rest[tagStart...].hasPrefix("<pre")
            guard let end = rest[range.upperBound...].firstIndex(of: "\"") else { break }
            let line = Int(rest[range.upperBound..<end].prefix { $0.isNumber }) ?? 0
            if isPre, let (number, step) = steps[line] {
                result += rest[..<tagStart] + caption(number, step)
                result += rest[tagStart..<range.lowerBound]
                open = number
            } else {
                result += rest[..<range.lowerBound]
            }
            rest = rest[rest.index(after: end)...]
            if open != nil, let close = rest.range(of: "</pre>") {
                result += rest[..<close.upperBound] + "</figure>"
                rest = rest[close.upperBound...]
                open = nil
            }
        }
        return result + rest
    }

    private static func caption(_ number: Int, _ step: Step) -> String {
        var attributes = [step.language]
        if let host = step.host { attributes.append("host \(host)") }
        if let timeout = step.timeout { attributes.append("timeout \(timeout)") }
        if step.retries > 0 { attributes.append("\(step.retries) retries") }
        if step.approve { attributes.append("needs approval") }
        return "<figure class=\"step\" id=\"step-\(escape(step.id))\"><figcaption><span class=\"step-number\">Step \(number)</span> "
            + "\(escape(step.title)) <code>\(escape(step.id))</code> <span class=\"step-attributes\">\(escape(attributes.joined(separator: " · ")))</span></figcaption>"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func renderMarkdown(_ markdown: String, options: Int32 = CMARK_OPT_DEFAULT) -> String {
        let bytes = Array(markdown.utf8)
        guard let html = bytes.withUnsafeBufferPointer({ buffer in
            buffer.withMemoryRebound(to: CChar.self) { cmark_markdown_to_html($0.baseAddress, $0.count, options) }
        }) else { return "" }
        defer { free(html) }
        return String(cString: html)
    }
}
