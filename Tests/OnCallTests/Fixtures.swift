import Foundation
@testable import OnCall

/// The examples of the on-call documentation, as the wiki would hold them.
enum Fixtures {
    static let people = """
    people:
      - id: alice
        name: Alice Example
        time_zone: Europe/Berlin
        contacts:                 # named contact methods
          - { name: hook, type: webhook, secret: alice-webhook }
          - { name: voice, type: spoken }
          - { name: mail, type: email, address: alice@example.com }
          - { name: phone, type: ntfy, topic: alice-pages }
          - { name: chat, type: slack, secret: ops-slack }
        notify:
          - { contact: hook, after: 0m }
          - { contact: voice, after: 0m }
          - { contact: mail, after: 5m }
      - id: bob
        name: Bob Example
        contacts:
          - { name: mail, type: email, address: bob@example.com }
        notify:
          - { contact: mail }
      - id: carol
        name: Carol
        contacts:
          - { name: chat, type: mattermost, secret: carol-mm }
        notify:
          - { contact: chat }

    """

    static let primary = """
    time_zone: Europe/Berlin
    layers:                       # later layers are higher: they win where they have someone
      - name: weekly
        start: 2026-01-05T09:00
        turn: weekly
        participants: [alice, bob]
        restrictions:
          - { days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" }
    overrides:
      - { person: bob, from: 2026-12-24T09:00, to: 2026-12-27T09:00 }
    fallback: alice

    """

    static let policyDefault = """
    repeat: 2
    levels:
      - notify: [ { schedule: primary } ]
        wait: 10m
      - notify: [ { person: bob }, { channel: ops } ]
        wait: 15m
      - notify: [ { policy: management } ]

    """

    static let policyManagement = """
    levels:
      - notify: [ { person: carol } ]

    """

    static let settings = """
    default_policy:
      1: default
      2: default
      "*": default
    acknowledgement_timeout: 4h
    storm: { incidents: 5, within: 10m }
    channels:
      ops: { type: slack, secret: ops-slack }
    silences:
      - matchers: ['service="db"', 'env=~"staging|dev"']
        from: 2026-12-24T00:00:00Z
        to: 2026-12-26T00:00:00Z
        created_by: alice
        comment: db migration

    """

    static var all: [(path: String, text: String)] {
        [
            ("oncall/people.yaml", people),
            ("oncall/schedules/primary.yaml", primary),
            ("oncall/policies/default.yaml", policyDefault),
            ("oncall/policies/management.yaml", policyManagement),
            ("config/oncall.yaml", settings),
        ]
    }

    /// The example files with `path` replaced by `text`.
    static func with(_ path: String, _ text: String) -> [(path: String, text: String)] {
        all.filter { $0.path != path } + [(path, text)]
    }
}

/// An instant written as a wall-clock time in `zone` (`"2026-03-29T09:00"`), or with an offset.
func at(_ text: String, _ zone: String = "UTC") -> Date {
    LocalDateTime(parsing: text)!.date(in: TimeZone(identifier: zone)!)!
}

/// The wall-clock `HH:mm` of `date` in `zone`.
func clock(_ date: Date, _ zone: String) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: zone)!
    let parts = calendar.dateComponents([.hour, .minute], from: date)
    return String(format: "%02d:%02d", parts.hour!, parts.minute!)
}

/// A schedule of one layer in `zone`, for tests of the schedule arithmetic alone.
func schedule(_ zone: String, start: String, turn: Turn, participants: [PersonID] = ["a", "b"]) -> Schedule {
    Schedule(
        name: "test", timeZone: TimeZone(identifier: zone)!,
        layers: [RotationLayer(name: "main", start: at(start, zone), turn: turn, participants: participants)]
    )
}
