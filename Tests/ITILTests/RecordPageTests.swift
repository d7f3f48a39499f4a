import Foundation
import Testing
@testable import ITIL

/// The Markdown page of `record.md` is what people read in git hosting UIs: nothing an alert or a
/// reporter writes may become a link, an image, HTML or a heading there.
@Suite("Record page")
struct RecordPageTests {
    static let link = "[click me](javascript:alert(1))"
    static let pixel = "![](http://tracker.example/p.gif)"
    static let script = "<script>alert(1)</script>"

    static func hostileIncident() throws -> Incident {
        var incident = try openIncident(labels: [
            "link": link, "pixel": pixel, "html": script, "emphasis": "**bold** _it_ ~~gone~~ `code`", "entity": "&lt;b&gt;",
        ])
        incident.description = "# Heading\n\n\(script)\n\n---\n\n\(link)\n```\nnot closing the fence\n````\n\(pixel)"
        incident.shortDescription = "\(link) \(script)"
        try incident.apply(.noteAdded("line one\n# not a heading\n\(pixel)\n> not a quote"), at: at(minutes(1)), actor: "bob")
        return incident
    }

    /// The page as HTML, by the cmark CLI with raw HTML let through, as an unsafe renderer would.
    static func html(of incident: Incident) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/cmark")
        process.arguments = ["--unsafe"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(IncidentRecordFile.page(for: incident).utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func hostileTextRendersAsLiteralText() throws {
        let html = try Self.html(of: try Self.hostileIncident())
        for tag in ["<a ", "<img", "<script", "<strong", "<em>", "<del", "<blockquote"] {
            #expect(!html.contains(tag), "\(tag) in\n\(html)")
        }
        // Our own headings only: the title and the section names.
        let headings = html.components(separatedBy: "\n").filter { $0.hasPrefix("<h") }
        #expect(headings.allSatisfy { $0.hasPrefix("<h1>INC0000042") || $0.hasPrefix("<h2>") }, "\(headings)")
        #expect(!headings.contains { $0.contains("Heading") || $0.contains("not a heading") })
        // The text is still there to read.
        #expect(html.contains("[click me](javascript:alert(1))"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("not closing the fence"))
    }

    @Test func theDescriptionIsOneLiteralBlock() throws {
        let page = IncidentRecordFile.page(for: try Self.hostileIncident())
        #expect(page.contains("`````text\n# Heading\n"), "the fence is longer than the text's longest run of backticks")
    }
}
