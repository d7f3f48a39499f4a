import Foundation
import Testing
import Runbooks

@Suite struct InputHygieneTests {
    @Test func emptyFile() {
        #expect(errors("") == ["1: empty runbook"])
        #expect(errors("\n  \n") == ["1: empty runbook"])
    }

    @Test func invalidUTF8IsReportedAtItsLine() {
        var data = Data("# T\n\nok\n".utf8)
        data.append(contentsOf: [0x62, 0xFF, 0x0A])
        let result = RunbookParser.parse(data, path: "runbooks/x.md")
        #expect(result.errors.map(\.line) == [4])
        #expect(result.errors.first?.message.contains("not valid UTF-8") == true)
    }

    @Test func invalidUTF8AfterCRLFCountsLinesLikeLF() {
        let data = Data("a\r\nb\rc\r\n".utf8) + Data([0xC0, 0x80])
        #expect(RunbookParser.parse(data, path: "runbooks/x.md").errors.map(\.line) == [4])
    }

    @Test func nulByteIsAnError() {
        let result = parse("# T\n\n```sh\necho a\u{0}b\n```\n")
        #expect(result.errors.map(\.line) == [4])
        #expect(result.errors.first?.message.contains("NUL") == true)
    }

    @Test func oversizedFileIsOneErrorAndNotParsed() {
        let data = Data(repeating: UInt8(ascii: "a"), count: RunbookParser.maximumSize + 1)
        let result = RunbookParser.parse(data, path: "runbooks/big.md")
        #expect(result.diagnostics.count == 1)
        #expect(result.errors.first?.message.contains("more than the limit") == true)
    }

    @Test(arguments: ["/runbooks/a.md", "runbooks/../a.md", "runbooks/./a.md", "docs/a.md", "runbooks/a.txt", "runbooks//a.md", "runbooks/.md"])
    func badPathsAreErrorsAtLineOne(_ path: String) {
        let result = parse(withFence("sh"), path: path)
        #expect(result.runbook == nil)
        #expect(!result.errors.isEmpty && result.errors.allSatisfy { $0.line == 1 })
    }

    @Test func nestedPathGivesNestedID() throws {
        let runbook = try #require(parse(withFence("sh"), path: "runbooks/db/replication-lag.md").runbook)
        #expect(runbook.id == "db/replication-lag")
        #expect(runbook.title == "T")
    }

    @Test func byteOrderMarkIsIgnored() throws {
        let data = Data([0xEF, 0xBB, 0xBF]) + Data(withFrontMatter("title: Hello").utf8)
        let runbook = try #require(RunbookParser.parse(data, path: "runbooks/x.md").runbook)
        #expect(runbook.title == "Hello")
    }

    @Test func unterminatedFenceRunsToTheEnd() throws {
        let runbook = try #require(parse("# T\n\n```sh\necho a\n\n# not a heading\n").runbook)
        #expect(runbook.steps.map(\.code) == ["echo a\n\n# not a heading\n"])
    }

    @Test(.timeLimit(.minutes(1)))
    func pathologicalInputsFinish() {
        let size = RunbookParser.maximumSize - 16
        let inputs = [
            String(repeating: "`", count: size),
            String(repeating: "> ", count: size / 2),
            String(repeating: "- ", count: size / 2),
            String(repeating: "  - a\n", count: size / 6),
            "---\nx: " + String(repeating: "[", count: 10_000) + "\n---\n",
            "---\n" + String(repeating: "- ", count: 5_000) + "x\n---\n",
            String(repeating: "```sh\n", count: size / 6),
            String(repeating: "*a _b [c `d ", count: size / 12),
        ]
        for input in inputs {
            let result = parse(input)
            #expect(result.diagnostics.allSatisfy { $0.line >= 1 })
        }
    }
}
