import Yams

/// `schedule: { cron: "0 6 * * *", timezone: Europe/Berlin, missed: run-once, params: {...} }`.
extension FrontMatterDecoder {
    static let scheduleKeys = ["cron", "timezone", "missed", "params"]

    mutating func schedule(_ node: Node) -> RunbookSchedule? {
        guard let mapping = node.mapping else {
            findings.error(line(of: node), "'schedule' must be a mapping: { cron: \"0 6 * * *\", timezone: Europe/Berlin }")
            return nil
        }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string, Self.scheduleKeys.contains(name) else {
                let name = key.scalar?.string ?? "?"
                findings.error(line(of: key), "unknown schedule key '\(name)'\(Suggestion.hint(for: name, in: Self.scheduleKeys)) "
                    + "(known: \(Self.scheduleKeys.joined(separator: ", ")))")
                continue
            }
            fields[name] = value
        }
        guard let cronNode = fields["cron"], let expression = scalarText(cronNode) else {
            findings.error(line(of: node), "schedule needs 'cron', such as cron: \"0 6 * * *\"")
            return nil
        }
        // No zone is a mistake worth a line: a schedule read in the server's zone moves when the server does.
        guard let zoneNode = fields["timezone"], let zone = scalarText(zoneNode) else {
            findings.error(line(of: node), "schedule needs 'timezone', an IANA zone such as UTC or Europe/Berlin")
            return nil
        }
        let cron: CronSchedule
        do {
            cron = try CronSchedule(parsing: expression, timeZone: zone)
        } catch {
            findings.error(line(of: error.message.hasPrefix("unknown time zone") ? zoneNode : cronNode), "schedule: \(error)")
            return nil
        }
        var missed = RunbookSchedule.MissedRuns.runOnce
        if let missedNode = fields["missed"] {
            guard let text = scalarText(missedNode), let value = RunbookSchedule.MissedRuns(rawValue: text) else {
                findings.error(line(of: missedNode), "invalid schedule missed '\(missedNode.scalar?.string ?? "")': use run-once or skip")
                return nil
            }
            missed = value
        }
        var parameters: [String: String] = [:]
        if let paramsNode = fields["params"] {
            guard let values = paramsNode.mapping else {
                findings.error(line(of: paramsNode), "schedule params must be a mapping of NAME: value")
                return nil
            }
            for (key, value) in values {
                guard let name = key.scalar?.string, let text = value.scalar?.string else {
                    findings.error(line(of: key), "schedule params must be a mapping of NAME: value")
                    continue
                }
                parameters[name] = text
            }
        }
        return RunbookSchedule(cron: cron, missed: missed, parameters: parameters, line: line(of: node))
    }

    private func scalarText(_ node: Node) -> String? {
        guard let text = node.scalar?.string.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }
}
