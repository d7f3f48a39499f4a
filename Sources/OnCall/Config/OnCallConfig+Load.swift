import Foundation
import Runbooks

extension OnCallConfig {
    /// How far ahead lint looks for gaps in schedules without a fallback.
    static let gapHorizon: TimeInterval = 28 * 86_400

    /// Reads the on-call files of the wiki and lints them.
    ///
    /// `files` are `(path, text)` pairs; the ones used are `oncall/people.yaml`, `oncall/schedules/NAME.yaml`,
    /// `oncall/policies/NAME.yaml` and `config/oncall.yaml`, and other paths are ignored. `now` is where the look
    /// for gaps begins (the next four weeks). Never throws: every problem is a diagnostic with file and line, and the
    /// configuration holds whatever read cleanly.
    public static func load(files: [(path: String, text: String)], now: Date) -> (config: OnCallConfig, diagnostics: [Diagnostic]) {
        var loader = ConfigLoader()
        for file in files.sorted(by: { $0.path < $1.path }) {
            loader.read(path: file.path, text: file.text)
        }
        loader.checkReferences()
        loader.checkHandOffCycles()
        loader.checkGaps(now: now)
        return (loader.config, loader.diagnostics)
    }
}

/// Reads the files one by one, then checks what only the whole set can tell: references, cycles and gaps.
private struct ConfigLoader {
    var config = OnCallConfig.empty
    var diagnostics: [Diagnostic] = []
    private var references: [Reference] = []
    private var declared: [Reference.Kind: Set<String>] = [:]
    private var handOffLines: [String: (file: String, lines: [String: Int])] = [:]
    private var scheduleFiles: [String: (file: String, line: Int)] = [:]

    mutating func read(path: String, text: String) {
        let lint = YAMLLint(path: path)
        if path == PeopleReader.path {
            let (people, ids) = PeopleReader(lint: lint).read(text)
            declared[.person, default: []].formUnion(ids)
            for person in people { config.people[person.id] = person }
        } else if let name = Self.stem(path, in: ScheduleReader.folder) {
            declared[.schedule, default: []].insert(name)
            config.schedules[name] = ScheduleReader(lint: lint, name: name).read(text)
            scheduleFiles[name] = (path, Self.line(of: "layers:", in: text))
        } else if let name = Self.stem(path, in: PolicyReader.folder) {
            declared[.policy, default: []].insert(name)
            if let (policy, lines) = PolicyReader(lint: lint, name: name).read(text) {
                config.policies[name] = policy
                handOffLines[name] = (path, lines)
            }
        } else if path == OnCallSettings.path {
            let (settings, silences, channels) = SettingsReader(lint: lint).read(text)
            declared[.channel, default: []].formUnion(channels)
            config.settings = settings
            config.silences = silences
        } else {
            return
        }
        diagnostics += lint.diagnostics
        references += lint.references
    }

    /// `NAME` for `folder/NAME.yaml` (or `.yml`) directly in `folder`.
    private static func stem(_ path: String, in folder: String) -> String? {
        guard path.hasPrefix(folder) else { return nil }
        let file = path.dropFirst(folder.count)
        guard !file.contains("/") else { return nil }
        for suffix in [".yaml", ".yml"] where file.hasSuffix(suffix) && file.count > suffix.count {
            return String(file.dropLast(suffix.count))
        }
        return nil
    }

    /// The 1-based line where `prefix` starts a line, else 1: where a finding about the whole file is best shown.
    private static func line(of prefix: String, in text: String) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.firstIndex { $0.hasPrefix(prefix) } ?? 0) + 1
    }

    mutating func checkReferences() {
        for reference in references where !(declared[reference.kind]?.contains(reference.name) ?? false) {
            let known = (declared[reference.kind] ?? []).sorted().joined(separator: ", ")
            let message = "unknown \(reference.kind.rawValue) '\(reference.name)' (known: \(known.isEmpty ? "none" : known))"
            diagnostics.append(Diagnostic(file: reference.file, line: reference.line, severity: .error, message: message))
        }
    }

    /// Reports every policy that hands off, directly or through others, back to itself, at its first hand-off
    /// that leads there: an escalation that loops would page the same people forever.
    mutating func checkHandOffCycles() {
        for name in config.policies.keys.sorted() {
            guard let (file, lines) = handOffLines[name] else { continue }
            for next in lines.keys.sorted(by: { lines[$0]! < lines[$1]! }) {
                guard let path = path(from: next, to: name) else { continue }
                let loop = ([name] + path).joined(separator: " → ")
                let message = "policy '\(name)' hands off to itself: \(loop)"
                diagnostics.append(Diagnostic(file: file, line: lines[next]!, severity: .error, message: message))
                break
            }
        }
    }

    /// The chain of policy names from `start` to `goal` following hand-offs, depth first.
    private func path(from start: String, to goal: String) -> [String]? {
        var visited: Set<String> = []
        func walk(_ name: String) -> [String]? {
            if name == goal { return [name] }
            guard visited.insert(name).inserted, let policy = config.policies[name] else { return nil }
            for next in policy.handOffs {
                if let rest = walk(next) { return [name] + rest }
            }
            return nil
        }
        return walk(start)
    }

    /// Warns about the first gap in the coming weeks of each schedule without a fallback: an incident then would
    /// page nobody, which is worth knowing before it happens.
    mutating func checkGaps(now: Date) {
        for (name, schedule) in config.schedules.sorted(by: { $0.key < $1.key }) where schedule.fallback == nil {
            guard let gap = schedule.gaps(from: now, to: now.addingTimeInterval(OnCallConfig.gapHorizon)).first,
                  let (file, line) = scheduleFiles[name]
            else { continue }
            // Local time with its offset: what the schedule's author thinks in, and still unambiguous.
            let style = Date.ISO8601FormatStyle(timeZone: schedule.timeZone).year().month().day()
                .time(includingFractionalSeconds: false).timeZone(separator: .colon)
            let local = gap.start.formatted(style)
            let message = "schedule '\(name)' has nobody on call from \(local) and no fallback: add 'fallback:' or a layer that covers it"
            diagnostics.append(Diagnostic(file: file, line: line, severity: .warning, message: message))
        }
    }
}
