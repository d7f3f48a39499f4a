import Foundation

/// A stretch of the final schedule during which one person is on call.
public struct Shift: Sendable, Equatable, Hashable {
    /// The schedule the shift belongs to.
    public var schedule: String
    /// Who is on call.
    public var person: PersonID
    /// When the shift begins.
    public var start: Date
    /// When it ends (exclusive); the next shift, if adjacent, starts at this instant.
    public var end: Date

    /// Creates a shift.
    public init(schedule: String, person: PersonID, start: Date, end: Date) {
        self.schedule = schedule
        self.person = person
        self.start = start
        self.end = end
    }
}
