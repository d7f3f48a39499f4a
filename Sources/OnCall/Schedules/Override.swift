import Foundation

/// Someone who takes over a schedule for a stretch of time, whoever the rotations say (a swap, a holiday cover).
///
/// Overrides sit above every layer; where two overlap, the one listed later wins, like layers.
public struct Override: Sendable, Equatable, Hashable {
    /// Who is on call instead.
    public var person: PersonID
    /// When the override begins.
    public var start: Date
    /// When it ends (exclusive).
    public var end: Date

    /// Creates an override.
    public init(person: PersonID, start: Date, end: Date) {
        self.person = person
        self.start = start
        self.end = end
    }

    /// Whether the override is in force at `date`.
    public func contains(_ date: Date) -> Bool {
        start <= date && date < end
    }
}
