import Foundation
import Yams

/// Reads one YAML file of the wiki's configuration (on-call files, the inventory) node by node, collecting every finding with its line.
///
/// Readers report and carry on instead of throwing at the first problem, so one commit shows all of a file's
/// mistakes at once. A reader decides whether an item is usable by comparing ``errorCount`` before and after it.
/// A class so the small reading functions can share the list without threading `inout` through all of them;
/// it lives only for the duration of one `load` and is never shared across tasks.
package final class YAMLLint {
    /// The file's path in the wiki, as given to `load`.
    package let path: String
    /// Everything found so far, in reading order.
    package private(set) var diagnostics: [Diagnostic] = []
    /// Names this file uses that other files must declare.
    package var references: [Reference] = []

    package init(path: String) {
        self.path = path
    }

    /// How many errors have been reported; compare before and after reading an item to tell if it is clean.
    package var errorCount: Int {
        diagnostics.count { $0.severity == .error }
    }

    package func error(_ node: Node?, _ message: String) {
        error(line: node?.line ?? 1, message)
    }

    package func error(line: Int, _ message: String) {
        diagnostics.append(Diagnostic(file: path, line: line, severity: .error, message: message))
    }

    package func warning(line: Int, _ message: String) {
        diagnostics.append(Diagnostic(file: path, line: line, severity: .warning, message: message))
    }

    /// The document's root, or `nil` for an empty file or a syntax error (which is reported).
    package func compose(_ text: String) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let yamlError as YamlError {
            switch yamlError {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                error(line: mark.line, "not valid YAML: \(problem)")
            default:
                error(line: 1, "not valid YAML: \(yamlError)")
            }
        } catch {
            self.error(line: 1, "not valid YAML: \(error)")
        }
        return nil
    }

    /// The entries of a mapping whose keys are in `known`; unknown and repeated keys are reported and left out,
    /// because a misspelt key would otherwise be ignored silently.
    package func mapping(_ node: Node, _ what: String, known: [String]) -> [String: (key: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            error(node, "\(what): expected a mapping (key: value)")
            return nil
        }
        var entries: [String: (key: Node, value: Node)] = [:]
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? "?"
            if !known.contains(key) {
                error(keyNode, "\(what): unknown key '\(key)' (known: \(known.joined(separator: ", ")))")
            } else if entries[key] != nil {
                error(keyNode, "\(what): '\(key)' is given twice")
            } else {
                entries[key] = (keyNode, value)
            }
        }
        return entries
    }

    /// A mapping's entries in file order, for mappings whose keys are names chosen by the user.
    package func namedEntries(_ node: Node, _ what: String) -> [(key: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            error(node, "\(what): expected a mapping (name: value)")
            return nil
        }
        var seen: Set<String> = []
        var entries: [(key: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard seen.insert(keyNode.string ?? "").inserted else {
                error(keyNode, "\(what): '\(keyNode.string ?? "")' is given twice")
                continue
            }
            entries.append((keyNode, value))
        }
        return entries
    }

    package func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            error(node, "\(what): expected a list")
            return nil
        }
        return Array(sequence)
    }

    /// A non-empty scalar's text.
    package func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node, node.null == nil, !scalar.string.isEmpty else {
            error(node, "\(what): expected a value")
            return nil
        }
        return scalar.string
    }

    package func int(_ node: Node, _ what: String, atLeast minimum: Int) -> Int? {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string), value >= minimum else {
            error(node, "\(what): expected a whole number of at least \(minimum)")
            return nil
        }
        return value
    }
}

extension Node {
    /// The 1-based line the node starts on; 1 when the node was not read from text.
    package var line: Int {
        mark?.line ?? 1
    }
}
