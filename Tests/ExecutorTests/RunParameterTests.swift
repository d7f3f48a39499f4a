import Executor
import Foundation
import ITIL
import Runbooks
import Testing
import Wiki

/// Parameters from alert labels and annotations: refused runs, and hostile values that must arrive byte-exact as
/// environment variables and never become command text.
@Suite("Run parameters", .timeLimit(.minutes(1)))
struct RunParameterTests {
    static let hostParameter = "params:\n  HOST: { from: labels.instance, required: true, pattern: '^[a-z0-9.-]+$' }"

    @Test("a missing required parameter refuses the run: nothing runs and a note says why")
    func missingParameter() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(front: Self.hostParameter, steps: [("id=canary", "touch '\(sandbox.out("canary"))'")])
        let (incident, run) = try await sandbox.run(["host": runbook], labels: ["alertname": "Test"])

        #expect(run.state == .refused)
        #expect(run.steps.allSatisfy { $0.state != .succeeded && $0.attempts == 0 })
        #expect(!sandbox.exists("canary"))
        #expect(try await sandbox.registry.run(run.id).state == .refused)
        let note = try #require(notes(of: incident).last)
        #expect(note.contains("HOST") && note.contains("required") && note.contains("labels.instance"), "note: \(note)")
        #expect(incident.state.isOpen)
        #expect(try AuditVerifier(repository: sandbox.repository).verify(full: true).succeeded)
    }

    @Test("a value that fails its pattern refuses the run: nothing runs and a note says why")
    func patternMismatch() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(front: Self.hostParameter, steps: [("id=canary", "touch '\(sandbox.out("canary"))'")])
        let (incident, run) = try await sandbox.run(
            ["host": runbook], labels: ["alertname": "Test", "instance": "db1; touch '\(sandbox.out("canary"))'"])

        #expect(run.state == .refused)
        #expect(!sandbox.exists("canary"))
        let note = try #require(notes(of: incident).last)
        #expect(note.contains("HOST") && note.contains("does not match pattern"), "note: \(note)")
    }

    /// Hostile values, each with the canary file it would create if it ever became command text. (No literal
    /// `reboot`: the tests may run as root.)
    static func hostileValues(_ sandbox: ExecutorSandbox) -> [(name: String, value: String)] {
        [
            ("dollar", "$(touch '\(sandbox.out("canary-dollar"))')"),
            ("backtick", "`touch '\(sandbox.out("canary-backtick"))'`"),
            ("semicolon", "db1; touch '\(sandbox.out("canary-semicolon"))'; echo reboot"),
            ("newline", "db1\ntouch '\(sandbox.out("canary-newline"))'\n"),
            ("quotes", "\"'\\\"' && touch '\(sandbox.out("canary-quotes"))' #"),
            ("unicode", "Grüße 🚀 — 雪 \u{202E}txt.exe \u{7F}\u{1B}[31m"),
            ("large", String(repeating: "0123456789abcdef", count: 60 * 1024 / 16)),
        ]
    }

    @Test("hostile label and annotation values reach the step byte-exact and never run as commands")
    func hostileValuesArriveVerbatim() async throws {
        let sandbox = try ExecutorSandbox()
        let values = Self.hostileValues(sandbox)
        // One parameter per value; the last comes from an annotation.
        var front = "params:\n"
        var labels = ["alertname": "Test"]
        var annotations: [String: String] = [:]
        var script = ""
        for (index, item) in values.enumerated() {
            let name = "V_\(item.name.uppercased())"
            let fromAnnotation = index == values.count - 1
            front += "  \(name): { from: \(fromAnnotation ? "annotations" : "labels").\(item.name), required: true }\n"
            if fromAnnotation { annotations[item.name] = item.value } else { labels[item.name] = item.value }
            script += "printf '%s' \"$\(name)\" > '\(sandbox.out("value-" + item.name))'\n"
        }
        let runbook = page(front: front, steps: [("id=echo-values", script)])
        let (incident, run) = try await sandbox.run(["hostile": runbook], labels: labels, annotations: annotations)

        #expect(run.state == .succeeded, "outcome: \(run.outcome ?? "none"), notes: \(notes(of: incident))")
        for item in values {
            let written = try Data(contentsOf: URL(fileURLWithPath: sandbox.out("value-" + item.name)))
            #expect(written == Data(item.value.utf8), "\(item.name) did not arrive byte-exact")
        }
        let canaries = try FileManager.default.contentsOfDirectory(atPath: sandbox.path + "/out").filter { $0.hasPrefix("canary") }
        #expect(canaries.isEmpty)
    }

    @Test("a value with a NUL byte is refused with a clear note and nothing runs")
    func nulByte() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(
            front: "params:\n  VALUE: { from: annotations.value, required: true }",
            steps: [("id=canary", "touch '\(sandbox.out("canary"))'")])
        let value = "db1\u{0}; touch '\(sandbox.out("canary-nul"))'"
        let (incident, run) = try await sandbox.run(["nul": runbook], labels: ["alertname": "Test"], annotations: ["value": value])

        #expect(run.state == .refused)
        #expect(!sandbox.exists("canary") && !sandbox.exists("canary-nul"))
        let note = try #require(notes(of: incident).last)
        #expect(note.contains("VALUE") && note.contains("NUL"), "note: \(note)")
    }

    /// A label with a NUL never becomes an incident at all (git would keep its record as binary), so nothing runs.
    @Test func aLabelWithANulByteOpensNothing() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(front: "params:\n  VALUE: { from: labels.value, required: true }", steps: [("id=canary", "touch '\(sandbox.out("canary"))'")])
        await #expect(throws: IncidentError.self) {
            try await sandbox.trigger(["nul": runbook], labels: ["alertname": "Test", "value": "db1\u{0}x"])
        }
        #expect(!sandbox.exists("canary"))
        #expect(sandbox.store.counts.all == 0)
    }

    /// (A label that long never becomes an incident: labels are at most 4,096 characters, see ``TextLimits``.)
    @Test("a 1 MB value is refused with a clear note and nothing runs")
    func hugeValue() async throws {
        let sandbox = try ExecutorSandbox()
        let runbook = page(
            front: "params:\n  VALUE: { from: annotations.value, required: true }",
            steps: [("id=canary", "touch '\(sandbox.out("canary"))'")])
        let value = String(repeating: "x", count: 1 << 20)
        let (incident, run) = try await sandbox.run(["huge": runbook], labels: ["alertname": "Test"], annotations: ["value": value])

        #expect(run.state == .refused)
        #expect(!sandbox.exists("canary"))
        let note = try #require(notes(of: incident).last)
        #expect(note.contains("VALUE") && note.contains("more than the limit"), "note: \(note)")
        #expect(note.count < 2_000, "the note repeats the value")
    }
}
