import Foundation
import Runbooks
import Yams

/// Reads one `oncall/policies/NAME.yaml`: `repeat` and the `levels` with their targets and waits.
struct PolicyReader {
    /// The folder policies live in; the file's stem is the policy's name.
    static let folder = "oncall/policies/"

    let lint: YAMLLint
    let name: String

    /// The policy, or `nil` when the file has an error. The line of every `policy:` hand-off is returned as well,
    /// so a cycle can be reported where it is written.
    func read(_ text: String) -> (policy: EscalationPolicy, handOffLines: [String: Int])? {
        let errorsBefore = lint.errorCount
        guard let root = lint.compose(text) else {
            if lint.errorCount == errorsBefore { lint.error(line: 1, "policy '\(name)' is empty: give its levels") }
            return nil
        }
        guard let entries = lint.mapping(root, "policy", known: ["repeat", "levels", "page_after"]) else { return nil }
        let repeatCount = entries["repeat"].flatMap { lint.int($0.value, "repeat", atLeast: 0) } ?? 0
        let pageAfter = entries["page_after"].flatMap { lint.duration($0.value, "page_after") } ?? 0
        var handOffLines: [String: Int] = [:]
        var levels: [EscalationLevel] = []
        if let levelsNode = entries["levels"]?.value, let items = lint.sequence(levelsNode, "levels") {
            if items.isEmpty { lint.error(levelsNode, "policy '\(name)': 'levels' is empty, so it pages nobody") }
            for (index, item) in items.enumerated() {
                let level = level(item, number: index + 1, isLast: index == items.count - 1, handOffLines: &handOffLines)
                level.map { levels.append($0) }
            }
        } else if entries["levels"] == nil {
            lint.error(root, "policy '\(name)': missing 'levels'")
        }
        guard lint.errorCount == errorsBefore else { return nil }
        return (EscalationPolicy(name: name, repeatCount: repeatCount, levels: levels, pageAfter: pageAfter), handOffLines)
    }

    private func level(_ node: Node, number: Int, isLast: Bool, handOffLines: inout [String: Int]) -> EscalationLevel? {
        let what = "level \(number)"
        guard let entries = lint.mapping(node, what, known: ["notify", "wait"]) else { return nil }
        let items = entries["notify"].flatMap { lint.sequence($0.value, "\(what).notify") }
        if entries["notify"] == nil || items?.isEmpty == true {
            lint.error(entries["notify"]?.value ?? node, "\(what) notifies nobody: give people, schedules, channels or a policy")
        }
        var targets: [EscalationTarget] = []
        for item in items ?? [] {
            guard let target = target(item, what) else { continue }
            if case .policy(let other) = target { handOffLines[other] = handOffLines[other] ?? item.line }
            targets.append(target)
        }
        var wait: TimeInterval = 0
        if let waitNode = entries["wait"]?.value {
            let parsed = lint.duration(waitNode, "\(what).wait")
            wait = parsed ?? 0
            if parsed == 0 && !isLast { lint.error(waitNode, "\(what).wait must be more than 0, or the next level is paged at once") }
        } else if !isLast {
            lint.error(node, "\(what): missing 'wait' (how long to wait for an acknowledgement before the next level)")
        }
        return EscalationLevel(targets: targets, wait: wait)
    }

    /// One `{ person: x }`, `{ schedule: x }`, `{ channel: x }` or `{ policy: x }`.
    private func target(_ node: Node, _ what: String) -> EscalationTarget? {
        guard let entries = lint.mapping(node, "\(what) target", known: ["person", "schedule", "channel", "policy"]) else { return nil }
        guard entries.count == 1, let (key, entry) = entries.first else {
            if !entries.isEmpty { lint.error(node, "\(what): give one of person, schedule, channel or policy per target") }
            return nil
        }
        guard let value = lint.string(entry.value, "\(what).\(key)") else { return nil }
        switch key {
        case "person":
            lint.refer(.person, value, at: entry.value)
            return .person(value)
        case "schedule":
            lint.refer(.schedule, value, at: entry.value)
            return .schedule(value)
        case "channel":
            lint.refer(.channel, value, at: entry.value)
            return .channel(value)
        default:
            lint.refer(.policy, value, at: entry.value)
            return .policy(value)
        }
    }
}
