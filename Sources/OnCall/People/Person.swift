import Foundation

/// A person's id, as written in `oncall/people.yaml` and referred to by schedules and policies (`alice`).
public typealias PersonID = String

/// Someone who can be paged: how to reach them and in which order.
public struct Person: Sendable, Equatable {
    /// The id schedules and policies use.
    public var id: PersonID
    /// The display name (`Alice Example`); the id when the file gives none.
    public var name: String
    /// The person's own zone, for showing times to them; schedules use their own zone.
    public var timeZone: TimeZone?
    /// Named ways to reach the person.
    public var contacts: [ContactMethod]
    /// The person's notification rule: which contact methods, in order, each after a delay from the page.
    public var notify: [NotificationRule]

    /// Creates a person.
    public init(id: PersonID, name: String, timeZone: TimeZone? = nil, contacts: [ContactMethod], notify: [NotificationRule]) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.contacts = contacts
        self.notify = notify
    }

    /// The contact method called `name`.
    public func contact(named name: String) -> ContactMethod? {
        contacts.first { $0.name == name }
    }
}
