import Foundation
import Yams

extension SLAPolicy {
    /// Where the policy lives in the wiki repository.
    public static let configPath = "config/sla.yaml"

    /// Reads the policy from the YAML of `config/sla.yaml`:
    ///
    /// ```yaml
    /// priorities:
    ///   1: { response: 15m, resolution: 4h }
    ///   2: { response: 1h, resolution: 8h }
    ///   3: { response: 4h, resolution: 3d }
    ///   4: { response: 1d, resolution: 5d }
    ///   5: { response: none, resolution: none }
    /// auto_close_after: 72h     # or never
    /// ```
    ///
    /// Both keys are optional; a priority left out keeps its ``standard`` targets, but a priority that is listed must
    /// give both targets (`none` for no target), so a forgotten line is an error rather than a silent default.
    /// An empty file is the standard policy. Unknown keys are errors, because a misspelt key would otherwise be ignored.
    ///
    /// - Throws: ``SLAConfigError`` naming `path`, the line and the key.
    public init(yaml text: String, path: String = SLAPolicy.configPath) throws(SLAConfigError) {
        let reader = SLAConfigReader(path: path)
        self = try reader.read(text)
    }

    /// The policy as `config/sla.yaml` text, in the shape ``init(yaml:path:)`` reads (for `runbook init`).
    public var yaml: String {
        var text = "# SLA targets per priority: s, m, h, d, w; `none` for no target. A commit changes them.\npriorities:\n"
        for priority in Priority.allCases {
            let targets = targets(for: priority)
            text += "  \(priority.rawValue): { response: \(Self.written(targets.response)), "
                + "resolution: \(Self.written(targets.resolution)) }   # \(priority.title)\n"
        }
        text += "# How long a Resolved incident waits before it closes by itself; `never` to keep it open.\n"
        text += "auto_close_after: \(autoCloseAfter.map(DurationText.format) ?? "never")\n"
        return text
    }

    private static func written(_ duration: TimeInterval?) -> String {
        duration.map(DurationText.format) ?? "none"
    }
}

/// Walks the YAML node tree of `config/sla.yaml`, keeping the line of every node for error messages.
private struct SLAConfigReader {
    let path: String

    func read(_ text: String) throws(SLAConfigError) -> SLAPolicy {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw syntaxError(error)
        }
        var policy = SLAPolicy.standard
        guard let root else { return policy }
        for (keyNode, value) in try mapping(root, key: "") {
            switch keyNode.string {
            case "priorities":
                try readPriorities(value, into: &policy)
            case "auto_close_after":
                policy.autoCloseAfter = try duration(value, key: "auto_close_after", noneWords: ["never", "none"])
            default:
                throw error(at: keyNode, key: keyNode.string ?? "?", "unknown key (known: priorities, auto_close_after)")
            }
        }
        return policy
    }

    private func readPriorities(_ node: Node, into policy: inout SLAPolicy) throws(SLAConfigError) {
        for (keyNode, value) in try mapping(node, key: "priorities") {
            guard let number = keyNode.int, let priority = Priority(rawValue: number) else {
                throw error(at: keyNode, key: "priorities", "'\(keyNode.string ?? "?")' is not a priority (1 to 5)")
            }
            policy.targets[priority] = try targets(value, key: "priorities.\(number)")
        }
    }

    private func targets(_ node: Node, key: String) throws(SLAConfigError) -> SLATargets {
        var found: [String: TimeInterval?] = [:]
        for (keyNode, value) in try mapping(node, key: key) {
            let name = keyNode.string ?? "?"
            guard name == "response" || name == "resolution" else {
                throw error(at: keyNode, key: "\(key).\(name)", "unknown key (known: response, resolution)")
            }
            found[name] = try duration(value, key: "\(key).\(name)", noneWords: ["none"])
        }
        for name in ["response", "resolution"] where found[name] == nil {
            throw error(at: node, key: "\(key).\(name)", "missing (write `\(name): none` for no target)")
        }
        return SLATargets(response: found["response"]!, resolution: found["resolution"]!)
    }

    private func duration(_ node: Node, key: String, noneWords: Set<String>) throws(SLAConfigError) -> TimeInterval? {
        guard case .scalar(let scalar) = node else {
            throw error(at: node, key: key, "expected a duration like 15m, 4h or 3d")
        }
        if node.null != nil || noneWords.contains(scalar.string.lowercased()) {
            return nil
        }
        guard let seconds = DurationText.parse(scalar.string) else {
            let hint = Int(scalar.string) != nil ? "; give a unit, e.g. \(scalar.string)m" : ""
            let words = noneWords.sorted().joined(separator: " or ")
            throw error(at: node, key: key, "'\(scalar.string)' is not a duration (use e.g. 15m, 4h, 3d, or \(words))\(hint)")
        }
        return seconds
    }

    private func mapping(_ node: Node, key: String) throws(SLAConfigError) -> Node.Mapping {
        guard case .mapping(let mapping) = node else {
            throw error(at: node, key: key, "expected a mapping of keys to values")
        }
        return mapping
    }

    private func error(at node: Node, key: String, _ message: String) -> SLAConfigError {
        SLAConfigError(path: path, line: node.mark?.line, key: key, message: message)
    }

    private func syntaxError(_ error: any Error) -> SLAConfigError {
        guard let yamlError = error as? YamlError else {
            return SLAConfigError(path: path, line: nil, key: "", message: "not valid YAML: \(error)")
        }
        switch yamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return SLAConfigError(path: path, line: mark.line, key: "", message: "not valid YAML: \(problem)")
        default:
            return SLAConfigError(path: path, line: nil, key: "", message: "not valid YAML: \(yamlError)")
        }
    }
}
