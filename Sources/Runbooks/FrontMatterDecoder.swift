import Yams

/// Walks the composed YAML of the front matter into a `FrontMatter`, reporting each problem at the line
/// of the offending key or value (Yams marks are 1-based within the YAML, which starts at `firstLine`).
struct FrontMatterDecoder {
    static let parameterKeys = ["from", "required", "default", "pattern", "description"]

    let firstLine: Int
    var findings: Findings
    /// Parameters that read an annotation, with the line of their `from:`, for ``checkServerAlertReads(_:)``.
    var annotationReads: [(parameter: String, annotation: String, line: Int)] = []

    mutating func decode(_ root: Node, into frontMatter: inout FrontMatter) {
        guard let mapping = root.mapping else {
            findings.error(line(of: root), "front matter must be a YAML mapping of keys (title: ..., match: ...)")
            return
        }
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                findings.error(line(of: keyNode), "front-matter keys must be plain words")
                continue
            }
            decodeKey(key, keyNode: keyNode, value: value, into: &frontMatter)
        }
        checkServerAlertReads(frontMatter.matchers)
    }

    /// Warns about parameters of a runbook that matches an alert the server raises (``ServerAlert``) and read an
    /// annotation that alert never carries: the value would always be missing.
    private mutating func checkServerAlertReads(_ matchers: [Matcher]) {
        guard let alert = ServerAlert.selected(by: matchers) else { return }
        for read in annotationReads where !alert.annotations.contains(read.annotation) {
            let hint = Suggestion.hint(for: read.annotation, in: alert.annotations.sorted())
            findings.warning(read.line, "parameter \(read.parameter) reads annotations.\(read.annotation), which \(alert.alertname) "
                + "alerts never carry\(hint) (they carry: \(alert.annotations.sorted().joined(separator: ", ")))")
        }
    }

    private mutating func decodeKey(_ key: String, keyNode: Node, value: Node, into frontMatter: inout FrontMatter) {
        switch key {
        case "title": frontMatter.title = text(value, key: key)
        case "owner": frontMatter.owner = text(value, key: key)
        case "service": frontMatter.service = text(value, key: key)
        case "category": frontMatter.category = text(value, key: key)
        case "assignment_group": frontMatter.assignmentGroup = text(value, key: key)
        case "description": frontMatter.description = text(value, key: key)
        case "tags": frontMatter.tags = texts(value, key: key)
        case "match": frontMatter.matchers = matchers(value)
        case "impact": frontMatter.impact = integer(value, key: key, in: 1...3, meaning: "1 (high) to 3 (low)")
        case "urgency": frontMatter.urgency = integer(value, key: key, in: 1...3, meaning: "1 (high) to 3 (low)")
        case "concurrency": frontMatter.concurrency = integer(value, key: key, in: 1...Int.max, meaning: "1 or more")
        case "timeout": frontMatter.timeout = duration(value, key: key)
        case "resolve": frontMatter.resolve = resolvePolicy(value) ?? .auto
        case "params": frontMatter.parameters = parameters(value)
        case "escalation": frontMatter.escalation = text(value, key: key)
        case "schedule": frontMatter.schedule = schedule(value)
        default:
            let hint = Suggestion.hint(for: key, in: FrontMatter.knownKeys)
            findings.error(line(of: keyNode), "unknown front-matter key '\(key)'\(hint) (known: \(FrontMatter.knownKeys.joined(separator: ", ")))")
        }
    }

    // MARK: - Scalars

    func line(of node: Node) -> Int {
        (node.mark?.line ?? 1) + firstLine - 1
    }

    private func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// Any non-null scalar as text (so `owner: 42` is "42"); blank text is an error, as a key with no value is.
    private mutating func text(_ node: Node, key: String, allowEmpty: Bool = false) -> String? {
        guard let scalar = node.scalar, !isNull(node) else {
            findings.error(line(of: node), "'\(key)' needs a text value")
            return nil
        }
        let trimmed = Substring(scalar.string).trimmingSuffix { $0.isWhitespace }.drop { $0.isWhitespace }
        guard allowEmpty || !trimmed.isEmpty else {
            findings.error(line(of: node), "'\(key)' must not be empty")
            return nil
        }
        return allowEmpty ? scalar.string : String(trimmed)
    }

    private mutating func texts(_ node: Node, key: String) -> [String] {
        guard let sequence = node.sequence else {
            findings.error(line(of: node), "'\(key)' must be a list")
            return []
        }
        return sequence.compactMap { text($0, key: key) }
    }

    private mutating func integer(_ node: Node, key: String, in range: ClosedRange<Int>, meaning: String) -> Int? {
        guard let scalar = node.scalar, let value = Int(scalar.string), range.contains(value) else {
            findings.error(line(of: node), "invalid \(key) '\(node.scalar?.string ?? "(not a scalar)")': use a whole number, \(meaning)")
            return nil
        }
        return value
    }

    private mutating func duration(_ node: Node, key: String) -> TimeSpan? {
        guard let text = text(node, key: key) else { return nil }
        guard let span = TimeSpan(parsing: text) else {
            let unit = Int(text) != nil ? " (a unit is required)" : ""
            findings.error(line(of: node), "invalid \(key) '\(text)'\(unit): use a positive duration like 30s, 15m or 1h30m")
            return nil
        }
        return span
    }

    private mutating func resolvePolicy(_ node: Node) -> ResolvePolicy? {
        guard let text = text(node, key: "resolve") else { return nil }
        guard let policy = ResolvePolicy(rawValue: text) else {
            findings.error(line(of: node), "invalid resolve '\(text)': use auto or never")
            return nil
        }
        return policy
    }

    mutating func bool(_ node: Node, key: String) -> Bool? {
        guard let text = node.scalar?.string, let value = ["true": true, "false": false][text] else {
            findings.error(line(of: node), "invalid \(key) '\(node.scalar?.string ?? "(not a scalar)")': use true or false")
            return nil
        }
        return value
    }

    // MARK: - Matchers

    private mutating func matchers(_ node: Node) -> [Matcher] {
        guard let sequence = node.sequence else {
            findings.error(line(of: node), "'match' must be a list of matchers, one per line: - alertname=\"DiskAlmostFull\"")
            return []
        }
        return sequence.compactMap { item -> Matcher? in
            guard let text = text(item, key: "match") else { return nil }
            do {
                return try Matcher(parsing: text)
            } catch {
                findings.error(line(of: item), "invalid matcher: \(error)")
                return nil
            }
        }
    }
}
