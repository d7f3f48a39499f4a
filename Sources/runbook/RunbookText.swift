import Foundation
import ITIL
import Runbooks
import Wiki

/// The human-readable forms of runbooks and match decisions that the CLI prints.
enum RunbookText {
    /// `runbooks list`: one row per page, broken pages flagged.
    static func table(_ library: RunbookLibrary) -> String {
        let rows = library.pages.map { page -> [String] in
            guard let runbook = page.runbook else {
                let errors = page.diagnostics.filter { $0.severity == .error }.count
                return [page.path, "-", "BROKEN: \(errors) error\(errors == 1 ? "" : "s") (runbook lint)", ""]
            }
            return [runbook.id, String(runbook.steps.count), runbook.title, runbook.matchers.map(\.description).joined(separator: ", ")]
        }
        let footer = "\(library.runbooks.count) of \(library.pages.count) runbooks load at \(library.commit.short)"
        return TextTable.columns([["ID", "STEPS", "TITLE", "MATCH"]] + rows) + "\n" + footer
    }

    /// `30 6 * * mon-fri (Europe/Berlin), missed: run-once, next 2026-12-04T05:30:00.000Z`.
    private static func describe(_ schedule: RunbookSchedule) -> String {
        let values = schedule.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(schedule.cron), missed: \(schedule.missed.rawValue)" + (values.isEmpty ? "" : ", params: \(values)")
            + (schedule.cron.next(after: Date()).map { ", next \(Timestamp.format($0))" } ?? "")
    }

    /// `runbooks show`: everything the parser found, in the order a reader wants it.
    static func detail(_ runbook: Runbook, commit: ObjectID) -> String {
        var lines = ["\(runbook.title)  [\(runbook.id)]", "  path:        \(runbook.path) @ \(commit.short)"]
        let facts: [(String, String?)] = [
            ("owner", runbook.owner), ("service", runbook.service), ("category", runbook.category),
            ("assignment", runbook.assignmentGroup), ("tags", runbook.tags.isEmpty ? nil : runbook.tags.joined(separator: ", ")),
            ("impact", runbook.impact.map(String.init)), ("urgency", runbook.urgency.map(String.init)),
            ("timeout", runbook.timeout?.description), ("concurrency", runbook.concurrency.map(String.init)),
            ("resolve", runbook.resolve.rawValue), ("escalation", runbook.escalation),
            ("schedule", runbook.schedule.map(describe)),
        ]
        for case let (name, value?) in facts { lines.append("  \(TextTable.pad(name + ":", 12)) \(value)") }
        lines += labelled("match:", runbook.matchers.isEmpty ? [runbook.schedule == nil ? "(none: never runs on an alert)" : "(none: runs on its schedule)"] : runbook.matchers.map(\.description))
        lines += labelled("params:", runbook.parameters.map(describe))
        if !runbook.summary.isEmpty { lines += ["", indent(runbook.summary, by: 2)] }
        for (number, step) in runbook.steps.enumerated() {
            lines += ["", "Step \(number + 1): \(step.title)  [\(step.id)]  \(describe(step))"]
            if !step.description.isEmpty { lines.append(indent(step.description, by: 4)) }
            lines.append(indent(step.code.hasSuffix("\n") ? String(step.code.dropLast()) : step.code, by: 4, prefix: "| "))
        }
        return lines.joined(separator: "\n")
    }

    /// `match`: the chosen runbook, then each other one with the reason it was not chosen.
    static func decision(_ decision: MatchDecision, labels: [String: String], library: RunbookLibrary) -> String {
        let alert = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ", ")
        var lines = ["alert:     {\(alert)}", "wiki:      \(library.commit.short)"]
        if let chosen = decision.chosen {
            lines.append("would run: \(chosen.id) (\(chosen.path))")
        } else {
            lines.append("would run: nothing: no runbook matches; the incident would stay New with a note saying so")
        }
        let others = decision.candidates.filter { $0.runbook.id != decision.chosen?.id }
        if !others.isEmpty {
            lines.append("")
            lines += TextTable.columns(others.map { [$0.runbook.id, $0.reason] }).split(separator: "\n").map { "  " + $0 }
        }
        let broken = library.pages.filter { $0.runbook == nil }.map(\.path)
        if !broken.isEmpty {
            lines += ["", "not considered (errors, see runbook lint): " + broken.joined(separator: ", ")]
        }
        return lines.joined(separator: "\n")
    }

    private static func describe(_ parameter: Parameter) -> String {
        var parts: [String] = []
        if let source = parameter.source { parts.append("from \(source)") }
        if parameter.required { parts.append("required") }
        if let value = parameter.defaultValue { parts.append("default \"\(value)\"") }
        if let pattern = parameter.pattern { parts.append("pattern \(pattern)") }
        return "\(parameter.name)  " + parts.joined(separator: ", ") + (parameter.description.map { " — \($0)" } ?? "")
    }

    private static func describe(_ step: Step) -> String {
        var parts = ["\(step.language), line \(step.line)"]
        if let timeout = step.timeout { parts.append("timeout \(timeout)") }
        if step.retries > 0 { parts.append("retries \(step.retries)" + (step.retryDelay.map { " every \($0)" } ?? "")) }
        if step.onFailure == .continue { parts.append("on failure continue") }
        if step.approve { parts.append("needs approval") }
        if let host = step.host { parts.append("on \(host)") }
        return parts.joined(separator: ", ")
    }

    private static func labelled(_ label: String, _ values: [String]) -> [String] {
        values.enumerated().map { index, value in "  \(TextTable.pad(index == 0 ? label : "", 12)) \(value)" }
    }

    private static func indent(_ text: String, by width: Int, prefix: String = "") -> String {
        let margin = String(repeating: " ", count: width) + prefix
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { margin + $0 }.joined(separator: "\n")
    }
}
