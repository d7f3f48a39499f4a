import Foundation
import Testing
import Runbooks

@Suite struct ExampleRunbookTests {
    let parsed = parse(exampleRunbook, path: "runbooks/disk-full.md")

    @Test func parsesWithoutDiagnostics() throws {
        #expect(parsed.diagnostics == [])
        #expect(!parsed.hasErrors)
        _ = try #require(parsed.runbook)
    }

    @Test func frontMatter() throws {
        let runbook = try #require(parsed.runbook)
        #expect(runbook.id == "disk-full")
        #expect(runbook.path == "runbooks/disk-full.md")
        #expect(runbook.title == "Disk almost full")
        #expect(runbook.summary == "Why this fires and what the steps do, for the human reading it at 3 am.")
        #expect(runbook.owner == "team-storage")
        #expect(runbook.service == "storage-cluster")
        #expect(runbook.impact == 2)
        #expect(runbook.urgency == nil)
        #expect(runbook.timeout == TimeSpan(parsing: "15m"))
        #expect(runbook.concurrency == 1)
        #expect(runbook.resolve == .auto)
        #expect(runbook.matchers.map(\.description) == [#"alertname="DiskAlmostFull""#, #"severity=~"critical|warning""#, #"env!="dev""#])
    }

    @Test func parameters() throws {
        let runbook = try #require(parsed.runbook)
        #expect(runbook.parameters.map(\.name) == ["HOST", "MOUNT"])
        let host = runbook.parameters[0]
        #expect(host.source == .label("instance"))
        #expect(host.source?.description == "labels.instance")
        #expect(host.required)
        #expect(host.pattern == "^[a-z0-9.-]+(:[0-9]+)?$")
        #expect(host.validate("db-1.example:9100") == nil)
        #expect(host.validate("db1; rm -rf /") != nil)
        #expect(host.validate("db1\n") != nil, "a trailing newline must not slip past an anchored pattern")
        let mount = runbook.parameters[1]
        #expect(mount.source == .label("mountpoint"))
        #expect(!mount.required)
        #expect(mount.defaultValue == "/")
    }

    @Test func steps() throws {
        let runbook = try #require(parsed.runbook)
        #expect(runbook.steps.count == 2)
        let check = runbook.steps[0]
        #expect(check.id == "check-usage")
        #expect(check.title == "Check usage")
        #expect(check.description == "")
        #expect(check.language == "sh")
        #expect(check.code == "df -h \"$MOUNT\"\n")
        #expect(check.line == 23)
        #expect(check.timeout?.seconds == 30)
        #expect(check.retries == 0 && !check.approve && check.onFailure == .stop)
        let clean = runbook.steps[1]
        #expect(clean.id == "clean-logs")
        #expect(clean.title == "Remove rotated logs")
        #expect(clean.description == "Deletes data, so a person approves it first.")
        #expect(clean.line == 31)
        #expect(clean.approve)
        #expect(clean.retries == 2)
        #expect(clean.retryDelay?.seconds == 5)
        #expect(clean.onFailure == .continue)
    }

    @Test func crlfGivesTheSameResult() {
        let crlf = parse(exampleRunbook.replacingOccurrences(of: "\n", with: "\r\n"), path: "runbooks/disk-full.md")
        #expect(crlf.runbook == parsed.runbook)
        #expect(crlf.diagnostics == parsed.diagnostics)
    }

    @Test func codableRoundTrip() throws {
        let runbook = try #require(parsed.runbook)
        let data = try JSONEncoder().encode(runbook)
        #expect(try JSONDecoder().decode(Runbook.self, from: data) == runbook)
        #expect(String(decoding: data, as: UTF8.self).contains(#""timeout":"15m""#))
    }

    /// The API's keys are snake_case; Swift's names for them (`defaultValue`, `_0`) are not on the wire.
    @Test func jsonKeysAreSnakeCase() throws {
        let json = String(decoding: try JSONEncoder().encode(try #require(parsed.runbook)), as: UTF8.self)
        for key in [#""retry_delay":"#, #""default_value":"#, #""on_failure":"#, #""source":{"label":"instance"}"#] {
            #expect(json.contains(key), "\(key) in \(json)")
        }
        for camel in ["assignmentGroup", "defaultValue", "onFailure", "retryDelay", "_0"] {
            #expect(!json.contains(camel))
        }
    }

    @Test func parameterSourcesReadAsOneKeyNamingTheKind() throws {
        #expect(String(decoding: try JSONEncoder().encode(ParameterSource.label("instance")), as: UTF8.self) == #"{"label":"instance"}"#)
        #expect(try JSONDecoder().decode(ParameterSource.self, from: Data(#"{"annotation":"summary"}"#.utf8)) == .annotation("summary"))
        for bad in [#"{"label":{"_0":"instance"}}"#, "{}", #"{"label":"a","annotation":"b"}"#, #"{"label":"9lives"}"#] {
            #expect(throws: DecodingError.self, "\(bad)") { try JSONDecoder().decode(ParameterSource.self, from: Data(bad.utf8)) }
        }
    }
}
