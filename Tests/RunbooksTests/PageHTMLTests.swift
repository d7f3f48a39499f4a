import Runbooks
import Testing

/// What a person reading a runbook in the browser sees: the prose and the steps, not the settings.
@Suite struct PageHTMLTests {
    static let page = """
        ---
        title: Disk almost full
        match:
          - alertname=~"Disk.*Full"
          - severity=~"crit.*|warn.*"
        ---
        # Disk almost full

        Free space *before* the database stops.

        ```sh {id=check}
        df -h
        ```
        """

    @Test func theFrontMatterIsNotRenderedAsProse() {
        let html = PageHTML.render(runbook: Self.page)
        #expect(!html.contains("alertname"))
        #expect(!html.contains("title: Disk"))
        #expect(html.contains("<h1>Disk almost full</h1>"))
        #expect(html.contains("<em>before</em>"), "the body's own emphasis stays")
        #expect(html.components(separatedBy: "<em>").count == 2, "no pattern's * became emphasis")
        #expect(html.contains("df -h"))
    }

    @Test func aPageWithoutFrontMatterOrWithAnUnendedOneIsRenderedWhole() {
        #expect(PageHTML.render(runbook: "# Title\n\ntext\n").contains("<h1>Title</h1>"))
        #expect(PageHTML.render(runbook: "---\ntitle: x\n# never closed\n").contains("title: x"))
    }
}
