import Escalation
import Foundation
import ITIL
import StoreTestSupport
import Synchronization

/// Below the engine: records what it was asked to deliver and answers as told. The channels themselves are tested
/// against real receivers in NotifyTests and the server's tests.
final class RecordingCourier: Courier {
    struct Delivery: Sendable, Hashable {
        var key: String
        var kind: PlannedNotification.Kind
        var incident: String
        var digestOf: Int
    }

    private let log = Mutex<[Delivery]>([])
    private let failing = Mutex<Set<String>>([])
    let clock: TestClock

    init(clock: TestClock) { self.clock = clock }

    var deliveries: [Delivery] { log.withLock { $0 } }
    var keys: [String] { deliveries.map(\.key) }

    func fail(method: String) { failing.withLock { _ = $0.insert(method) } }

    func deliver(_ notification: PlannedNotification, about incident: Incident, digest: [Incident]) async
        -> PlannedNotification.Outcome {
        log.withLock {
            $0.append(Delivery(key: notification.key, kind: notification.kind, incident: incident.number.description,
                               digestOf: digest.count))
        }
        let fails = failing.withLock { $0.contains(notification.method) }
        return .init(delivered: !fails, detail: fails ? "HTTP 500 after 3 attempts" : "HTTP 200", attempts: fails ? 3 : 1,
                     at: clock.now)
    }
}

/// Two levels: alice by hook at once and by mail after 5 minutes, then bob; 10 minutes each; one repeat.
func twoLevels(repeats: Int = 0, acknowledgementTimeout: TimeInterval? = nil, storm: (Int, TimeInterval)? = nil) -> Roster {
    let policy = Roster.Policy(name: "default", waits: [600, 600], repeats: repeats)
    return Roster(
        policy: { _ in policy }, policyNamed: { $0 == "default" ? policy : nil },
        pages: { _, level, _ in
            level == 1
                ? [Roster.Page(recipient: "alice", method: "hook"), Roster.Page(recipient: "alice", method: "mail", after: 300)]
                : [Roster.Page(recipient: "bob", method: "hook")]
        },
        acknowledgementTimeout: acknowledgementTimeout, storm: storm.map { (incidents: $0.0, within: $0.1) })
}
