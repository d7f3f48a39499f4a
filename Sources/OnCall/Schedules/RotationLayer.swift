import Foundation

/// One rotation of a schedule: participants take turns, starting at `start`, optionally only within weekly windows.
public struct RotationLayer: Sendable, Equatable, Hashable {
    /// The layer's name, unique within its schedule.
    public var name: String
    /// When the first participant's first turn begins.
    public var start: Date
    /// The length of each turn.
    public var turn: Turn
    /// Who takes turns, in order; the list repeats.
    public var participants: [PersonID]
    /// Weekly windows the layer is limited to; empty means always.
    public var restrictions: [Restriction]

    /// Creates a layer.
    public init(name: String, start: Date, turn: Turn, participants: [PersonID], restrictions: [Restriction] = []) {
        self.name = name
        self.start = start
        self.turn = turn
        self.participants = participants
        self.restrictions = restrictions
    }

    /// Who this layer has on call at `date`, or `nil` before its start, outside its windows, or with nobody in it.
    public func onCall(at date: Date, calendar: Calendar) -> PersonID? {
        guard !participants.isEmpty, date >= start else { return nil }
        guard restrictions.isEmpty || restrictions.contains(where: { $0.contains(date, calendar: calendar) }) else { return nil }
        let index = turn.index(containing: date, from: start, calendar: calendar)
        return participants[index % participants.count]
    }

    /// Every instant in `[from, to)` at which this layer's answer may change: its start, its handoffs, and the edges of
    /// its windows.
    func changes(from: Date, to: Date, calendar: Calendar) -> [Date] {
        guard from < to, to > start else { return [] }
        var changes: [Date] = []
        if start >= from { changes.append(start) }
        var index = max(0, turn.index(containing: max(from, start), from: start, calendar: calendar))
        var previous = Date.distantPast
        // Handoffs only move forward; stopping when one does not guards against a calendar that cannot add days.
        while case let handoff = turn.handoff(index, from: start, calendar: calendar), handoff < to, handoff > previous {
            if handoff >= from { changes.append(handoff) }
            previous = handoff
            index += 1
        }
        changes += windowEdges(from: from, to: to, calendar: calendar)
        return changes
    }

    /// The opening and closing instants of the restriction windows, day by day from the day before `from`.
    private func windowEdges(from: Date, to: Date, calendar: Calendar) -> [Date] {
        guard !restrictions.isEmpty, var day = calendar.date(byAdding: .day, value: -1, to: calendar.startOfDay(for: from)) else { return [] }
        var edges: [Date] = []
        while day < to {
            for restriction in restrictions {
                edges += restriction.boundaries(onDayStarting: day, calendar: calendar).filter { $0 >= from && $0 < to }
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
        }
        return edges
    }
}
