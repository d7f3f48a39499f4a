/// What the Markdown body contributes to a runbook: the H1, the summary and the steps.
struct RunbookBody {
    /// The first level-1 heading's text.
    var firstH1: String?
    /// The paragraphs after the H1 (or the top of the body) and before the first other heading or step.
    var summary = ""
    var steps: [Step] = []

    /// A step before id assignment, remembering whether its id was written or is to be derived.
    private struct Draft {
        var step: Step
        var explicitID: String?
    }

    /// Reads `blocks` in document order; `lineOffset` turns body lines into file lines.
    init(blocks: [MarkdownBlock], lineOffset: Int, findings: inout Findings) {
        var reader = Reader(lineOffset: lineOffset)
        for block in blocks {
            reader.read(block, findings: &findings)
        }
        firstH1 = reader.firstH1
        summary = reader.summary.joined(separator: "\n\n")
        steps = Self.assignIDs(reader.drafts, findings: &findings)
    }

    /// Explicit ids must be unique (an error names both lines); derived ids yield to explicit ones and get
    /// `-2`, `-3` suffixes, because several steps under one heading is normal.
    private static func assignIDs(_ drafts: [Draft], findings: inout Findings) -> [Step] {
        var used: [String: Int] = [:]
        for draft in drafts {
            guard let id = draft.explicitID else { continue }
            if let firstLine = used[id] {
                findings.error(draft.step.line, "duplicate step id '\(id)' (also used by the step at line \(firstLine))")
            } else {
                used[id] = draft.step.line
            }
        }
        return drafts.enumerated().map { index, draft in
            var step = draft.step
            if let id = draft.explicitID {
                step.id = id
            } else {
                let base = Slug.make(from: step.title).isEmpty ? "step-\(index + 1)" : Slug.make(from: step.title)
                var candidate = base
                var suffix = 2
                while used[candidate] != nil {
                    candidate = "\(base)-\(suffix)"
                    suffix += 1
                }
                used[candidate] = step.line
                step.id = candidate
            }
            return step
        }
    }

    /// The walk's state: where we are relative to headings and steps.
    private struct Reader {
        let lineOffset: Int
        var firstH1: String?
        var summary: [String] = []
        var summaryOpen = true
        var heading: String?
        var pending: [String] = []
        var drafts: [Draft] = []

        init(lineOffset: Int) {
            self.lineOffset = lineOffset
        }

        mutating func read(_ block: MarkdownBlock, findings: inout Findings) {
            switch block.kind {
            case .heading(let level):
                readHeading(block.text, level: level)
            case .paragraph:
                pending.append(block.text)
                if summaryOpen { summary.append(block.text) }
            case .code(let info):
                readCode(block, info: info, findings: &findings)
            }
        }

        private mutating func readHeading(_ text: String, level: Int) {
            if level == 1, firstH1 == nil {
                // Text above the title (badges, a notice) is not the summary; what follows the title is.
                firstH1 = text
                summary = []
                summaryOpen = true
            } else {
                summaryOpen = false
            }
            heading = text
            pending = []
        }

        private mutating func readCode(_ block: MarkdownBlock, info: String, findings: inout Findings) {
            guard !info.isEmpty else { return }
            let line = block.line + lineOffset
            let fence = FenceInfo(info)
            guard RunbookParser.executableLanguages.contains(fence.language) else {
                warnIfMeantAsStep(fence, line: line, findings: &findings)
                return
            }
            if let problem = fence.problem {
                findings.error(line, problem)
                return
            }
            let attributes = StepAttributes(fence.attributes)
            attributes.problems.forEach { findings.error(line, $0) }
            attributes.warnings.forEach { findings.warning(line, $0) }
            guard attributes.run else { return }
            if block.inBlockQuote {
                findings.warning(line, "'\(fence.language)' block inside a block quote is not run; move it out of the quote to make "
                    + "it a step, or mark it {run=false}")
                return
            }
            guard attributes.problems.isEmpty else { return }
            addStep(block, fence: fence, attributes: attributes, line: line)
        }

        /// A fence with step attributes but an unknown language is probably a typo (`shell`, `Bash`).
        private func warnIfMeantAsStep(_ fence: FenceInfo, line: Int, findings: inout Findings) {
            guard fence.hasAttributeBlock, StepAttributes.looksLikeStep(fence.attributes) else { return }
            let known = RunbookParser.executableLanguages.sorted().joined(separator: ", ")
            let hint = Suggestion.hint(for: fence.language, in: RunbookParser.executableLanguages.sorted())
            findings.warning(line, "fence language '\(fence.language)' is not executable\(hint), so this block with step attributes "
                + "is documentation (executable: \(known))")
        }

        private mutating func addStep(_ block: MarkdownBlock, fence: FenceInfo, attributes: StepAttributes, line: Int) {
            let step = Step(
                id: "", title: heading ?? "Step \(drafts.count + 1)", description: pending.joined(separator: "\n\n"),
                language: fence.language, code: block.text, line: line, timeout: attributes.timeout,
                retries: attributes.retries, retryDelay: attributes.retryDelay, onFailure: attributes.onFailure,
                approve: attributes.approve, host: attributes.host, hosts: attributes.hosts, parallel: attributes.parallel,
                tolerate: attributes.tolerate
            )
            drafts.append(Draft(step: step, explicitID: attributes.id))
            pending = []
            summaryOpen = false
        }
    }
}
