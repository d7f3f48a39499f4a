import Foundation
import ITIL
import Logging
import Synchronization

/// Pages the people an incident's escalation policy names, level after level, until someone acknowledges.
///
/// The engine holds no state the audit branch does not: every decision is written to the incident's
/// `escalation/state.json` (``EscalationState``) before it is acted on, and ``load()`` reads those files back, so a
/// server that restarts, or was killed, pages the next level once and on time. What it does next is worked out
/// from the incident's record and that state alone (``decide(_:_:at:)``), whenever the incident changes (the
/// store's feed) or a deadline it set arrives; between the two it sleeps.
public actor EscalationEngine {
    let store: IncidentStore
    var roster: Roster
    let courier: any Courier
    let clock: @Sendable () -> Date
    let logger: Logger
    /// How long a held-back page waits for others to join it in the recipient's digest.
    let digestDelay: TimeInterval

    /// Each incident's escalation, as last committed (outcomes: as last recorded).
    var states: [IncidentNumber: EscalationState] = [:]
    /// Incidents whose escalation is being written or acted on: they are looked at again after.
    var busy: Set<IncidentNumber> = []
    /// Notifications being delivered now, by key.
    var inFlight: Set<String> = []
    /// Deliveries under way, so that ``settle()`` can wait for them.
    var deliveries: [String: Task<Void, Never>] = [:]
    /// Deliveries waiting for one of the ``maximumDeliveries`` places, oldest first (a storm of pages queues here,
    /// marked in flight, instead of as thousands of open requests).
    var waitingDeliveries = DeliveryQueue()
    /// How many notifications are sent at once.
    let maximumDeliveries: Int
    /// Incidents that failed to write, with when to try again.
    var retryAt: [IncidentNumber: Date] = [:]
    /// When each escalation next needs looking at, worked out whenever it or its incident changes: a tick and the
    /// sleep compare dates here rather than reading every incident again.
    var wakeAt: [IncidentNumber: Date] = [:]
    /// Incidents with pages held back for a digest.
    var digestPending: Set<IncidentNumber> = []
    /// Pages planned per person, for the storm limit: when, and for which incident.
    var recentPages: [String: [(at: Date, incident: IncidentNumber)]] = [:]
    /// Incidents and restarts the feed reported, taken by the next ``tick()``.
    nonisolated let inbox = Mutex(Inbox())
    /// Fires when the feed reports something.
    nonisolated let changed = Signal()

    struct Inbox {
        var dirty: Set<IncidentNumber> = []
        /// Incidents whose acknowledgement was withdrawn: their escalation starts over.
        var restart: Set<IncidentNumber> = []
    }

    /// The longest the engine sleeps: a deadline worked out before the clock jumped is looked at again by then.
    static let longestSleep: TimeInterval = 300
    /// How long a failed write waits before it is tried again.
    static let retryDelay: TimeInterval = 5

    public init(store: IncidentStore, roster: Roster, courier: any Courier, digestDelay: TimeInterval = 60, maximumDeliveries: Int = 64,
                logger: Logger = Logger(label: "escalation"), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.maximumDeliveries = max(1, maximumDeliveries)
        self.store = store
        self.roster = roster
        self.courier = courier
        self.digestDelay = digestDelay
        self.logger = logger
        self.clock = clock
    }

    /// Takes a new configuration (a wiki commit): escalations under way follow it from their next level on.
    public func setRoster(_ roster: Roster) {
        self.roster = roster
        inbox.withLock { $0.dirty.formUnion(states.keys) }
        changed.fire()
    }

    /// The escalation of an incident, if it has one.
    public func state(of number: IncidentNumber) -> EscalationState? {
        states[number]
    }

    /// For each of `numbers` with an escalation: the level last paged and when a page was last delivered (the
    /// server's `/metrics`).
    public func paging(of numbers: some Sequence<IncidentNumber>) -> [IncidentNumber: (level: Int, lastPage: Date?)] {
        var found: [IncidentNumber: (level: Int, lastPage: Date?)] = [:]
        for number in numbers {
            guard let state = states[number], state.level > 0 else { continue }
            let delivered = state.notifications.compactMap { $0.kind == .page && $0.outcome?.delivered == true ? $0.outcome?.at : nil }
            found[number] = (state.level, delivered.max())
        }
        return found
    }

    /// How many escalations are held in memory: pending or recently ended.
    public var count: Int { states.count }

    // MARK: - Start-up

    /// Reads the escalation of every open or resolved incident from the audit branch and starts listening to the
    /// store's feed. Incidents with something due are acted on by the next ``tick()``.
    public func load() throws {
        store.feed.observe { events in self.notice(events) }
        let candidates = store.incidents { $0.state.isOpen || $0.state == .resolved }
        guard let tip = store.feed.tip else { return }
        for incident in candidates {
            let path = EscalationFolder.state(of: incident.number)
            guard let data = try? store.reader.readFile(path, at: tip) else { continue }
            do {
                states[incident.number] = try EscalationState.decode(data)
            } catch {
                logger.error("unreadable escalation state", metadata: ["incident": "\(incident.number)", "error": "\(error)"])
            }
        }
        for (number, state) in states {
            for page in state.notifications where page.kind == .page && page.person != nil {
                recentPages[page.recipient, default: []].append((page.due, number))
            }
            if state.outstanding.contains(where: \.digest) { digestPending.insert(number) }
        }
        inbox.withLock { $0.dirty.formUnion(candidates.filter { $0.state.isOpen }.map(\.number)) }
        inbox.withLock { $0.dirty.formUnion(states.keys) }
    }

    /// Takes note of the incidents the store's events touched (the engine's own escalation events aside).
    nonisolated func notice(_ events: [AuditEvent]) {
        // A job's run (JOB…) has nobody to page: only an incident's events concern escalation.
        let relevant = events.filter { !$0.name.isEscalation && !$0.incident.isJob }
        guard !relevant.isEmpty else { return }
        inbox.withLock { inbox in
            for event in relevant {
                inbox.dirty.insert(event.incident)
                if event.name == .unacknowledged { inbox.restart.insert(event.incident) }
            }
        }
        changed.fire()
    }

    // MARK: - Running

    /// Acts on what changed and what is due, then sleeps until the next deadline or the next change; until the task
    /// is canceled.
    public func run() async {
        while !Task.isCancelled {
            let seen = changed.generation
            await tick()
            let wait = nextWake().map { max(0.001, $0.timeIntervalSince(clock())) } ?? Self.longestSleep
            await changed.wait(after: seen, timeout: .milliseconds(Int64(min(wait, Self.longestSleep) * 1000) + 1))
        }
    }

    /// Acts on every incident that changed or has something due at the clock's now.
    public func tick() async {
        let now = clock()
        var due = Set(wakeAt.compactMap { $0.value <= now ? $0.key : nil })
        // What acting changes (a lapsed acknowledgement withdrawn) comes back through the feed: act on it now too.
        for _ in 0..<3 {
            let (dirty, restart) = inbox.withLock { inbox in
                defer { inbox.dirty = []; inbox.restart = [] }
                return (inbox.dirty, inbox.restart)
            }
            due.formUnion(dirty)
            guard !due.isEmpty else { break }
            for number in due.sorted() {
                await reconcile(number, restart: restart.contains(number), at: now)
            }
            due = []
        }
        await flushDigests(at: now)
    }

    /// Waits until every delivery under way has been sent and its outcome recorded.
    public func settle() async {
        while let delivery = deliveries.first {
            await delivery.value.value
            // A finished delivery hands its place to a waiting one, which this loop then waits for too.
        }
    }

    /// The earliest instant something is due, over every escalation.
    public func nextWake() -> Date? {
        wakeAt.values.min()
    }

    /// Works out again when the incident's escalation next needs looking at.
    func rewake(_ number: IncidentNumber, at now: Date) {
        wakeAt[number] = states[number].flatMap { wake(number, $0, at: now) }
    }
}
