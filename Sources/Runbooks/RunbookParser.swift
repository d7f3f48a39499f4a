import Foundation

/// Turns a runbook file's bytes into a `Runbook` plus diagnostics; this is also the whole of `runbook lint`.
///
/// The parser never throws and never crashes on bad input: every problem becomes a `Diagnostic` at the
/// line to fix, and any error withholds the runbook, so a page that lints dirty can never run.
public enum RunbookParser {
    /// Fence languages that make a step. `python` means python3 (the executor decides how to run each).
    public static let executableLanguages: Set<String> = ["sh", "bash", "python3", "python", "perl"]

    /// The largest file parsed: 1 MiB. A runbook is a page for humans; anything bigger is a mistake or an attack.
    public static let maximumSize = 1 << 20

    /// Parses the file at `path` (relative to the wiki root, `runbooks/NAME.md`) with contents `data`.
    public static func parse(_ data: Data, path: String) -> ParsedRunbook {
        // No line count yet: these findings are at line 1 or at a line the byte check computed.
        var early = Findings(file: path, lineCount: .max)
        RunbookPath.problems(with: path).forEach { early.error(1, $0) }
        if data.count > maximumSize {
            early.error(1, "runbook is \(data.count) bytes, more than the limit of \(maximumSize); not parsed")
            return ParsedRunbook(path: path, runbook: nil, diagnostics: early.diagnostics)
        }
        let source: SourceText
        do {
            source = try SourceText(data)
        } catch {
            early.error(error.line, error.message)
            return ParsedRunbook(path: path, runbook: nil, diagnostics: early.diagnostics)
        }
        var findings = Findings(file: path, lineCount: source.lineCount)
        early.diagnostics.forEach { findings.error($0.line, $0.message) }
        let runbook = parse(source, path: path, findings: &findings)
        return ParsedRunbook(path: path, runbook: runbook, diagnostics: findings.diagnostics)
    }

    private static func parse(_ source: SourceText, path: String, findings: inout Findings) -> Runbook? {
        guard source.text.contains(where: { !$0.isWhitespace }) else {
            findings.error(1, "empty runbook")
            return nil
        }
        let location: FrontMatter.Location?
        do {
            location = try FrontMatter.locate(in: source.text)
        } catch {
            findings.error(error.line, error.message)
            return nil
        }
        let frontMatter = location.map { FrontMatter(yaml: $0.yaml, firstLine: 2, findings: &findings) }
        let bodyLineOffset = location?.bodyLineOffset ?? 0
        let bodyText = location?.body ?? source.text[...]
        let body = RunbookBody(blocks: MarkdownDocument.blocks(of: bodyText), lineOffset: bodyLineOffset, findings: &findings)
        if body.steps.isEmpty {
            findings.warning(1, "runbook has no executable steps (fences in \(executableLanguages.sorted().joined(separator: ", ")))")
        }
        checkHostParameters(body.steps, parameters: frontMatter?.parameters ?? [], findings: &findings)
        if let schedule = frontMatter?.schedule {
            schedule.problems(against: frontMatter?.parameters ?? []).forEach { findings.error(schedule.line, $0) }
        }
        return assemble(path: path, frontMatter: frontMatter ?? FrontMatter(), body: body)
    }

    /// `host=${NAME}` must name a declared parameter with a pattern: its value picks a host, so it is checked before
    /// any step runs, and a value that is not an inventory name fails the step instead of reaching `ssh`.
    private static func checkHostParameters(_ steps: [Step], parameters: [Parameter], findings: inout Findings) {
        for step in steps {
            guard case .hostParameter(let name) = step.target else { continue }
            guard let parameter = parameters.first(where: { $0.name == name }) else {
                findings.error(step.line, "host=${\(name)}: no parameter \(name) in the front matter's params")
                continue
            }
            if parameter.isSecret {
                findings.error(step.line, "host=${\(name)}: \(name) is a secret; a host is chosen by a label or a default, not a secret")
            } else if parameter.pattern == nil {
                findings.error(step.line, "host=${\(name)}: give parameter \(name) a pattern (such as '^db[0-9]+$'), "
                    + "so only the hosts you mean can be chosen")
            }
        }
    }

    private static func assemble(path: String, frontMatter: FrontMatter, body: RunbookBody) -> Runbook {
        let id = RunbookPath.id(for: path)
        return Runbook(
            id: id, path: path, title: frontMatter.title ?? body.firstH1.flatMap { $0.isEmpty ? nil : $0 } ?? id,
            summary: frontMatter.description ?? body.summary, owner: frontMatter.owner, service: frontMatter.service,
            category: frontMatter.category, assignmentGroup: frontMatter.assignmentGroup, tags: frontMatter.tags,
            matchers: frontMatter.matchers, impact: frontMatter.impact, urgency: frontMatter.urgency,
            parameters: frontMatter.parameters, timeout: frontMatter.timeout, concurrency: frontMatter.concurrency,
            resolve: frontMatter.resolve, steps: body.steps, escalation: frontMatter.escalation, schedule: frontMatter.schedule
        )
    }
}
