import Foundation
import Runbooks
import Yams

/// Reads one `oncall/schedules/NAME.yaml`: time zone, rotation layers, overrides and fallback.
struct ScheduleReader {
    /// The folder schedules live in; the file's stem is the schedule's name.
    static let folder = "oncall/schedules/"

    let lint: YAMLLint
    let name: String

    /// The schedule, or `nil` when the file has an error (the schedule is then left out of the configuration).
    func read(_ text: String) -> Schedule? {
        let errorsBefore = lint.errorCount
        guard let root = lint.compose(text) else {
            if lint.errorCount == errorsBefore { lint.error(line: 1, "schedule '\(name)' is empty: give time_zone and layers") }
            return nil
        }
        guard let entries = lint.mapping(root, "schedule", known: ["time_zone", "layers", "overrides", "fallback"]) else { return nil }
        guard let zoneNode = entries["time_zone"]?.value else {
            lint.error(root, "schedule '\(name)': missing 'time_zone' (handoffs follow its wall clock, e.g. Europe/Berlin)")
            return nil
        }
        let zone = lint.timeZone(zoneNode, "time_zone")
        // With the zone already reported as wrong, reading times in UTC avoids one more error per date-time.
        let readingZone = zone ?? .gmt
        let layers = entries["layers"].map { self.layers($0.value, zone: readingZone) } ?? []
        if entries["layers"] == nil { lint.error(root, "schedule '\(name)': missing 'layers'") }
        let overrides = entries["overrides"].map { self.overrides($0.value, zone: readingZone) } ?? []
        let fallback = entries["fallback"].flatMap { entry in
            lint.string(entry.value, "fallback").map { person in
                lint.refer(.person, person, at: entry.value)
                return person
            }
        }
        guard let zone, lint.errorCount == errorsBefore else { return nil }
        return Schedule(name: name, timeZone: zone, layers: layers, overrides: overrides, fallback: fallback)
    }

    private func layers(_ node: Node, zone: TimeZone) -> [RotationLayer] {
        var layers: [RotationLayer] = []
        for item in lint.sequence(node, "layers") ?? [] {
            guard let layer = layer(item, zone: zone) else { continue }
            if layers.contains(where: { $0.name == layer.name }) {
                lint.error(item, "layer '\(layer.name)' is defined twice in schedule '\(name)'")
            } else if let twin = layers.first(where: { $0.start == layer.start && $0.turn == layer.turn && $0.participants == layer.participants }) {
                lint.error(item, "layer '\(layer.name)' duplicates layer '\(twin.name)' (same start, turn and participants)")
            } else {
                layers.append(layer)
            }
        }
        return layers
    }

    private func layer(_ node: Node, zone: TimeZone) -> RotationLayer? {
        let keys = ["name", "start", "turn", "participants", "restrictions"]
        guard let entries = lint.mapping(node, "layer", known: keys) else { return nil }
        let layerName = entries["name"].flatMap { lint.string($0.value, "layer.name") }
        let what = "layer '\(layerName ?? "?")'"
        for key in keys.dropLast() where entries[key] == nil {
            lint.error(node, "\(what): missing '\(key)'")
        }
        let start = entries["start"].flatMap { lint.dateTime($0.value, "\(what).start", in: zone) }
        let turn = entries["turn"].flatMap { entry in
            lint.string(entry.value, "\(what).turn").flatMap { text in
                Turn(parsing: text) ?? {
                    lint.error(entry.value, "\(what).turn: '\(text)' is not a turn (daily, weekly, Nd for N days, Nh for N hours)")
                    return nil
                }()
            }
        }
        let participants = entries["participants"].map { people($0.value, "\(what).participants") } ?? []
        if let entry = entries["participants"], participants.isEmpty {
            lint.error(entry.value, "\(what): a rotation needs at least one participant")
        }
        let restrictions = entries["restrictions"].map { self.restrictions($0.value, what) } ?? []
        guard let layerName, let start, let turn else { return nil }
        return RotationLayer(name: layerName, start: start, turn: turn, participants: participants, restrictions: restrictions)
    }

    private func people(_ node: Node, _ what: String) -> [PersonID] {
        (lint.sequence(node, what) ?? []).compactMap { item in
            guard let person = lint.string(item, what) else { return nil }
            lint.refer(.person, person, at: item)
            return person
        }
    }

    private func restrictions(_ node: Node, _ what: String) -> [Restriction] {
        (lint.sequence(node, "\(what).restrictions") ?? []).compactMap { restriction($0, what) }
    }

    private func restriction(_ node: Node, _ what: String) -> Restriction? {
        guard let entries = lint.mapping(node, "\(what) restriction", known: ["days", "from", "to"]) else { return nil }
        var days: Set<Weekday> = []
        if let daysNode = entries["days"]?.value {
            for item in lint.sequence(daysNode, "\(what) restriction days") ?? [] {
                guard let word = lint.string(item, "\(what) restriction day") else { continue }
                guard let day = Weekday(rawValue: word.lowercased()) else {
                    lint.error(item, "\(what) restriction: '\(word)' is not a day (mon, tue, wed, thu, fri, sat, sun)")
                    continue
                }
                days.insert(day)
            }
        } else {
            days = Set(Weekday.allCases)
        }
        let from = minutes(entries["from"], node, "\(what) restriction from")
        let to = minutes(entries["to"], node, "\(what) restriction to")
        guard let from, let to else { return nil }
        guard from != to, from < 1440 else {
            lint.error(node, "\(what) restriction: 'from' and 'to' must differ (a window past midnight is written from 22:00 to 06:00)")
            return nil
        }
        return Restriction(days: days, fromMinute: from, toMinute: to)
    }

    private func minutes(_ entry: (key: Node, value: Node)?, _ parent: Node, _ what: String) -> Int? {
        guard let entry else {
            lint.error(parent, "\(what): missing (write it as \"HH:MM\")")
            return nil
        }
        guard let text = lint.string(entry.value, what) else { return nil }
        guard let minutes = Restriction.minutes(parsing: text) else {
            lint.error(entry.value, "\(what): '\(text)' is not a time of day (\"HH:MM\", up to \"24:00\")")
            return nil
        }
        return minutes
    }

    private func overrides(_ node: Node, zone: TimeZone) -> [Override] {
        (lint.sequence(node, "overrides") ?? []).compactMap { item in
            guard let entries = lint.mapping(item, "override", known: ["person", "from", "to"]) else { return nil }
            for key in ["person", "from", "to"] where entries[key] == nil {
                lint.error(item, "override: missing '\(key)'")
            }
            let person = entries["person"].flatMap { entry in
                lint.string(entry.value, "override.person").map { person in
                    lint.refer(.person, person, at: entry.value)
                    return person
                }
            }
            let start = entries["from"].flatMap { lint.dateTime($0.value, "override.from", in: zone) }
            let end = entries["to"].flatMap { lint.dateTime($0.value, "override.to", in: zone) }
            guard let person, let start, let end else { return nil }
            guard start < end else {
                lint.error(item, "override for '\(person)': 'from' must be before 'to'")
                return nil
            }
            return Override(person: person, start: start, end: end)
        }
    }
}
