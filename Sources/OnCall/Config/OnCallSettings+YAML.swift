import Foundation
import Runbooks
import Yams

/// Reads `config/oncall.yaml`: the settings and the silences written in git.
struct SettingsReader {
    let lint: YAMLLint

    /// Settings from the parts that read cleanly, the silences without errors, and every channel name declared.
    func read(_ text: String) -> (settings: OnCallSettings, silences: [Silence], channels: Set<String>) {
        var settings = OnCallSettings.empty
        let keys = ["default_policy", "acknowledgement_timeout", "storm", "channels", "silences"]
        guard let root = lint.compose(text), let entries = lint.mapping(root, "oncall.yaml", known: keys) else { return (settings, [], []) }
        if let node = entries["default_policy"]?.value {
            readDefaults(node, into: &settings)
        }
        if let node = entries["acknowledgement_timeout"]?.value, !isNone(node) {
            settings.acknowledgementTimeout = lint.duration(node, "acknowledgement_timeout")
        }
        if let node = entries["storm"]?.value {
            settings.storm = storm(node)
        }
        var declared: Set<String> = []
        if let node = entries["channels"]?.value {
            for (key, value) in lint.namedEntries(node, "channels") ?? [] {
                guard let name = lint.string(key, "channel name") else { continue }
                declared.insert(name)
                settings.channels[name] = channel(value, name)
            }
        }
        let silences = entries["silences"].map { readSilences($0.value) } ?? []
        return (settings, silences, declared)
    }

    private func isNone(_ node: Node) -> Bool {
        node.null != nil || ["none", "never"].contains(node.string?.lowercased() ?? "")
    }

    private func readDefaults(_ node: Node, into settings: inout OnCallSettings) {
        for (key, value) in lint.namedEntries(node, "default_policy") ?? [] {
            guard let policy = lint.string(value, "default_policy") else { continue }
            if key.string == "*" {
                settings.defaultPolicyForOtherPriorities = policy
            } else if let priority = key.int, (1...5).contains(priority) {
                settings.defaultPolicies[priority] = policy
            } else {
                lint.error(key, "default_policy: '\(key.string ?? "?")' is not a priority (1 to 5, or \"*\" for the others)")
                continue
            }
            lint.refer(.policy, policy, at: value)
        }
    }

    private func storm(_ node: Node) -> StormLimit? {
        guard let entries = lint.mapping(node, "storm", known: ["incidents", "within"]) else { return nil }
        for key in ["incidents", "within"] where entries[key] == nil {
            lint.error(node, "storm: missing '\(key)'")
        }
        let incidents = entries["incidents"].flatMap { lint.int($0.value, "storm.incidents", atLeast: 1) }
        let within = entries["within"].flatMap { lint.duration($0.value, "storm.within") }
        guard let incidents, let within else { return nil }
        guard within > 0 else {
            lint.error(entries["within"]?.value, "storm.within must be more than 0")
            return nil
        }
        return StormLimit(incidents: incidents, within: within)
    }

    private func channel(_ node: Node, _ name: String) -> ChannelSpec? {
        let known = YAMLLint.contactKeys.filter { $0 != "name" }
        guard let entries = lint.mapping(node, "channel '\(name)'", known: known),
              let kind = lint.contactKind(entries, at: node, "channel '\(name)'")
        else { return nil }
        guard kind != .spoken else {
            lint.error(node, "channel '\(name)': type spoken is for a person, not a channel")
            return nil
        }
        return ChannelSpec(kind: kind)
    }

    private func readSilences(_ node: Node) -> [Silence] {
        (lint.sequence(node, "silences") ?? []).compactMap { item in
            let errorsBefore = lint.errorCount
            let silence = silence(item)
            return lint.errorCount == errorsBefore ? silence : nil
        }
    }

    private func silence(_ node: Node) -> Silence? {
        let keys = ["id", "matchers", "from", "to", "created_by", "comment"]
        guard let entries = lint.mapping(node, "silence", known: keys) else { return nil }
        for key in ["matchers", "from", "to", "created_by"] where entries[key] == nil {
            lint.error(node, "silence: missing '\(key)'")
        }
        let matchers = entries["matchers"].map { self.matchers($0.value) } ?? []
        let start = entries["from"].flatMap { lint.dateTime($0.value, "silence.from", in: nil) }
        let end = entries["to"].flatMap { lint.dateTime($0.value, "silence.to", in: nil) }
        let createdBy = entries["created_by"].flatMap { lint.string($0.value, "silence.created_by") }
        let comment = entries["comment"].flatMap { lint.string($0.value, "silence.comment") } ?? ""
        guard let start, let end, let createdBy, !matchers.isEmpty else { return nil }
        guard start < end else {
            lint.error(node, "silence: 'from' must be before 'to'")
            return nil
        }
        let id = entries["id"].flatMap { lint.string($0.value, "silence.id") }
            ?? Silence.contentID(matchers: matchers, startsAt: start, endsAt: end)
        return Silence(id: id, matchers: matchers, startsAt: start, endsAt: end, createdBy: createdBy, comment: comment)
    }

    private func matchers(_ node: Node) -> [Matcher] {
        let items = lint.sequence(node, "silence.matchers") ?? []
        if case .sequence = node, items.isEmpty {
            lint.error(node, "silence: 'matchers' is empty, which would silence every incident")
        }
        return items.compactMap { item -> Matcher? in
            guard let text = lint.string(item, "silence matcher") else { return nil }
            do throws(MatcherError) {
                return try Matcher(parsing: text)
            } catch {
                lint.error(item, "silence matcher '\(text)': \(error.message)")
                return nil
            }
        }
    }
}
