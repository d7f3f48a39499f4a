import Foundation

/// Who is on call when: rotation layers, higher ones over lower ones, with overrides on top (the "final schedule").
///
/// All wall-clock reasoning (handoff times, restriction windows) happens in ``timeZone``, so a schedule written for
/// Berlin hands off at 09:00 Berlin time in winter and in summer alike.
public struct Schedule: Sendable, Equatable {
    /// The schedule's name: the stem of its file, `oncall/schedules/NAME.yaml`.
    public var name: String
    /// The zone whose wall clock handoffs and windows follow.
    public var timeZone: TimeZone
    /// Rotation layers, lowest first; a later layer wins wherever it has someone.
    public var layers: [RotationLayer]
    /// Overrides, above all layers; a later one wins where they overlap.
    public var overrides: [Override]
    /// Who is paged when the final schedule has nobody (a gap).
    public var fallback: PersonID?

    /// Creates a schedule.
    public init(name: String, timeZone: TimeZone, layers: [RotationLayer], overrides: [Override] = [], fallback: PersonID? = nil) {
        self.name = name
        self.timeZone = timeZone
        self.layers = layers
        self.overrides = overrides
        self.fallback = fallback
    }

    /// A Gregorian calendar on the schedule's wall clock.
    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// Who the final schedule has on call at `date`: the latest override in force, else the highest layer with
    /// someone; empty in a gap. The fallback is not included: it is for paging, see ``OnCallConfig/recipients(of:at:)``.
    public func onCall(at date: Date) -> [PersonID] {
        onCall(at: date, calendar: calendar).map { [$0] } ?? []
    }

    func onCall(at date: Date, calendar: Calendar) -> PersonID? {
        if let override = overrides.last(where: { $0.contains(date) }) {
            return override.person
        }
        for layer in layers.reversed() {
            if let person = layer.onCall(at: date, calendar: calendar) {
                return person
            }
        }
        return nil
    }

    /// The longest range ``shifts(from:to:)`` and ``gaps(from:to:)`` look at: a longer one is cut at `from` plus this,
    /// so a caller passing `.distantFuture` gets a year's worth instead of a loop over millennia.
    public static let longestRange: TimeInterval = 400 * 86_400

    /// The final schedule in `[from, to)` as shifts, in time order; adjacent pieces with the same person are merged,
    /// and gaps are left out (see ``gaps(from:to:)``). Ranges longer than ``longestRange`` are cut.
    public func shifts(from: Date, to: Date) -> [Shift] {
        pieces(from: from, to: to).compactMap { piece in
            piece.person.map { Shift(schedule: name, person: $0, start: piece.start, end: piece.end) }
        }
    }

    /// The stretches of `[from, to)` in which nobody is on call, in time order.
    public func gaps(from: Date, to: Date) -> [DateInterval] {
        pieces(from: from, to: to).compactMap { piece in
            piece.person == nil ? DateInterval(start: piece.start, end: piece.end) : nil
        }
    }

    /// The range cut at every instant where the answer may change, each piece's person found once, and equal
    /// neighbours merged: this is what makes shifts contiguous across handoffs that do not change the person.
    private func pieces(from: Date, to: Date) -> [(person: PersonID?, start: Date, end: Date)] {
        guard from < to else { return [] }
        let to = min(to, from.addingTimeInterval(Self.longestRange))
        let calendar = calendar
        var cuts: Set<Date> = [from, to]
        for layer in layers {
            cuts.formUnion(layer.changes(from: from, to: to, calendar: calendar))
        }
        for override in overrides {
            cuts.formUnion([override.start, override.end].filter { $0 > from && $0 < to })
        }
        let sorted = cuts.sorted()
        var pieces: [(person: PersonID?, start: Date, end: Date)] = []
        for (start, end) in zip(sorted, sorted.dropFirst()) {
            let person = onCall(at: start, calendar: calendar)
            if let last = pieces.last, last.person == person {
                pieces[pieces.count - 1].end = end
            } else {
                pieces.append((person, start, end))
            }
        }
        return pieces
    }
}
