import Foundation
import Synchronization
import Wiki

/// Every incident, with each change durable before it is acknowledged: committed to the audit branch, or, for a
/// ``journaling`` store (the server's), synced to the branch's intake journal and committed within a commit cycle.
///
/// The audit branch is the source of truth: the store rebuilds its state from the branch at
/// start-up and catches up with commits other processes made before each write, and whenever
/// ``refresh()`` is called (see ``AuditFollower``). Writes queue up while a batch is being committed
/// and go out together in the next one (group commit: one sync per batch, and as few commits as the
/// events' scopes allow, see ``AuditBatch``; each event is still its own record change with its own
/// trailers). A batch is all or nothing, so incident numbers never skip: a number is used only by an
/// open that was committed.
///
/// Reads never wait for the writer: they come from the book as of the last durable batch, which the
/// writer swaps in under a lock of its own, not through the actor. After every batch and every
/// catch-up the store publishes what happened on its ``feed``.
public actor IncidentStore {
    /// The writer of the audit branch.
    public nonisolated let auditLog: AuditLog
    /// SLA targets and auto-close, from the wiki's `config/sla.yaml`.
    public nonisolated let policy: SLAPolicy
    /// Records skipped at start-up because they did not parse (only with `skippingCorrupt`).
    public nonisolated let skipped: [IncidentStoreError]
    /// Every durable event, in the audit branch's order.
    public nonisolated let feed: AuditFeed
    /// A handle on the repository for reads (runs, logs, history), apart from the writer's, whose lock
    /// a batch holds while it writes.
    public nonisolated let reader: Repository
    private let clock: @Sendable () -> Date
    /// The book as of the last durable batch; the writer changes it only under this lock, and readers
    /// take a copy (a reference count) without waiting for a batch.
    private nonisolated let shared: Mutex<IncidentBook>
    /// The audit commit the book reflects.
    private var tip: ObjectID?
    private var pending: [PendingWrite] = []
    private var flushScheduled = false
    /// Events of other writers' commits read by a catch-up, published with the batch that follows it.
    private var caughtUp: [AuditEvent] = []
    /// Whether a write is acknowledged once it is synced to the intake journal, with git commits following in commit
    /// cycles of their own (a server), rather than once its commit is synced (see ``AuditLog/journal(_:)``).
    public nonisolated let journaling: Bool
    /// Journaled events not yet on the branch, oldest first, with what they carry for the feed.
    private var journaled: [(entry: AuditEntry, payload: Payload)] = [] {
        didSet { journalCounts.withLock { $0.events = journaled.count } }
    }
    /// What ``journalStatus`` reads: kept beside the actor's state so a scrape never waits for a write.
    private nonisolated let journalCounts = Mutex((events: 0, failedCycles: 0))
    /// Whether a commit cycle is running (``JournalCommitter``).
    private var cycleRunning = false
    /// Callers of ``drainJournal()``.
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []
    private nonisolated let committer = JournalCommitter()
    /// The store's own thread: its writes block on the disk (see ``DedicatedThreadExecutor``).
    private nonisolated let executor = DedicatedThreadExecutor(name: "incident-store")

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// The folder of the audit branch that holds records.
    public static let recordsFolder = "incidents"

    /// Opens the store on `auditLog`'s branch, rebuilding every incident from it.
    ///
    /// - Parameters:
    ///   - skippingCorrupt: load the incidents whose records parse and report the others in ``skipped``,
    ///     instead of refusing to start.
    ///   - feedMemory: how many recent events the ``feed`` keeps for subscribers that reconnect (older ones
    ///     are replayed from the audit history).
    ///   - journaling: acknowledge writes once journaled (see ``journaling``); a journal a process that died left is
    ///     committed first.
    /// - Throws: ``IncidentStoreError/corruptRecord(path:commit:problem:)`` for a record that does not parse.
    public init(auditLog: AuditLog, policy: SLAPolicy = .standard, skippingCorrupt: Bool = false, feedMemory: Int = 16_384,
                journaling: Bool = false, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.auditLog = auditLog
        self.policy = policy
        self.clock = clock
        self.journaling = journaling
        if journaling { try auditLog.commitJournalLeftBehind() }
        let head = try auditLog.head()
        var book = IncidentBook(deadline: policy.nextDeadline(of:))
        var skipped: [IncidentStoreError] = []
        if let head {
            let files = try auditLog.repository.files(at: head, under: Self.recordsFolder).filter { $0.path.hasSuffix("/record.md") }
            for result in try Self.parse(files.map { ($0.path, $0.blob) }, at: head, in: auditLog.repository) {
                switch result {
                case .success(let incident): book.store(incident)
                case .failure(let error) where skippingCorrupt: skipped.append(error)
                case .failure(let error): throw error
                }
            }
            let jobs = try auditLog.repository.files(at: head, under: JobRecord.folder).filter { JobRecord.number(inPath: $0.path) != nil }
            for job in try Self.parseJobs(jobs.map { ($0.path, $0.blob) }, at: head, in: auditLog.repository) { book.note(job) }
        }
        shared = Mutex(book)
        reader = try Repository.open(auditLog.repository.gitDirectory)
        tip = head
        feed = AuditFeed(tip: head, memory: feedMemory)
        self.skipped = skipped
    }

    // MARK: - Reading

    /// The incident with this number, as of the last durable batch.
    public nonisolated func incident(_ number: IncidentNumber) throws -> Incident {
        guard let incident = shared.withLock({ $0.incidents[number] }) else { throw IncidentStoreError.unknownIncident(number) }
        return incident
    }

    /// Every incident that passes `filter`, by number. The filter runs on a copy, outside the lock.
    public nonisolated func incidents(where filter: (Incident) -> Bool = { _ in true }) -> [Incident] {
        let book = shared.withLock { $0 }
        return book.incidents.values.filter(filter).sorted { $0.number < $1.number }
    }

    /// The incidents at `offset..<offset+count` of those that pass `filter`, in `order`, and how many pass in all.
    ///
    /// One pass over the book keeping only the first `offset + count` in order: a list page of 50 among 100,000
    /// incidents neither copies nor sorts them all (which took over a second a page).
    public nonisolated func page(where filter: (Incident) -> Bool, by order: (Incident, Incident) -> Bool, offset: Int,
                                 count: Int) -> (incidents: [Incident], total: Int) {
        let book = shared.withLock { $0 }
        let kept = offset + count
        var best: [Incident] = []
        best.reserveCapacity(min(kept, 1024))
        var total = 0
        for incident in book.incidents.values where filter(incident) {
            total += 1
            if best.count == kept {
                guard order(incident, best[kept - 1]) else { continue }
                best.removeLast()
            }
            // The first place whose incident comes after this one.
            var (low, high) = (0, best.count)
            while low < high {
                let middle = (low + high) / 2
                if order(incident, best[middle]) { high = middle } else { low = middle + 1 }
            }
            best.insert(incident, at: low)
        }
        return (Array(best.dropFirst(offset)), total)
    }

    /// The open incidents (of `priorities`, or all), highest priority first and newest first within one, at
    /// `offset..<offset+count`, and how many there are: from the book's index of open incidents, so the cost follows
    /// the open incidents' numbers, not every incident's record (``page(where:by:offset:count:)`` reads those).
    public nonisolated func openIncidents(priorities: Set<Int>? = nil, offset: Int, count: Int) -> (incidents: [Incident], total: Int) {
        let book = shared.withLock { $0 }
        var page: [Incident] = []
        var skip = offset
        var total = 0
        for priority in 1...5 where priorities?.contains(priority) ?? true {
            guard let numbers = book.openByPriority[priority], !numbers.isEmpty else { continue }
            total += numbers.count
            guard page.count < count else { continue }
            guard skip < numbers.count else {
                skip -= numbers.count
                continue
            }
            // Newest first: only the numbers this page needs are ordered.
            let wanted = skip + count - page.count
            let newest = numbers.count <= wanted ? numbers.sorted(by: >) : Self.largest(wanted, of: numbers)
            page += newest.dropFirst(skip).compactMap { book.incidents[$0] }
            skip = 0
        }
        return (page, total)
    }

    /// The `count` largest of `numbers`, largest first, in one pass.
    private static func largest(_ count: Int, of numbers: Set<IncidentNumber>) -> [IncidentNumber] {
        var kept: [IncidentNumber] = []
        kept.reserveCapacity(count + 1)
        for number in numbers where kept.count < count || number > kept[kept.count - 1] {
            let place = kept.firstIndex { number > $0 } ?? kept.count
            kept.insert(number, at: place)
            if kept.count > count { kept.removeLast() }
        }
        return kept
    }

    /// The open incident for an alert key, if any: where a repeat of that alert would go.
    public nonisolated func openIncident(for alert: AlertKey) -> Incident? {
        shared.withLock { book in book.openByAlert[alert].flatMap { book.incidents[$0] } }
    }

    /// The soonest SLA deadline or auto-close of any incident (``SLAPolicy/nextDeadline(of:)``), from the book's
    /// queue of deadlines: the SLA sweeper asks after every change, and a scan of every incident (a copy of each)
    /// took a quarter of the server's time 400,000 incidents into a storm.
    public nonisolated var nextDeadline: Date? {
        shared.withLock { $0.deadlines.earliest }
    }

    /// How many incidents there are, and how many are open: cheap, for metrics.
    public nonisolated var counts: (all: Int, open: Int) {
        shared.withLock { ($0.incidents.count, $0.openCount) }
    }

    /// Reads what other processes committed since this store last looked, and publishes it.
    public func refresh() throws {
        // While this store holds the branch for its journal nobody else writes, and what moved it is a commit cycle
        // of this store's own events, which the book already has (and newer ones on top).
        guard !auditLog.holdsJournal else { return }
        defer { publishCaughtUp() }
        try catchUp(to: auditLog.head())
    }

    // MARK: - Writing

    /// Opens an incident for `request`, or, while one for the same alert is open, adds an occurrence to it.
    ///
    /// - Parameters:
    ///   - countingRepeats: false for sources that deliver the same alert again and again while it
    ///     fires (Alertmanager's repeat interval): a repeat then changes nothing and commits nothing.
    ///   - then: events applied to a new incident as part of its opening (a work note saying no runbook
    ///     matches): one event, one record change, in the same durable write.
    /// - Returns: the incident, and whether it was created.
    public func open(
        _ request: IncidentRequest, actor: String, countingRepeats: Bool = true, then followUp: [IncidentEvent] = []
    ) async throws -> (incident: Incident, created: Bool) {
        if !countingRepeats, let alert = request.alert, let existing = openIncident(for: alert), pending.isEmpty {
            return (existing, false)
        }
        return try await write { draft in
            if let alert = request.alert, let number = draft.openIncident(for: alert), var existing = draft.incident(number) {
                guard countingRepeats else { return (existing, false) }
                try existing.apply(.alertRepeated(alert), at: draft.now, actor: actor)
                let count = existing.alerts.first { $0.alertKey == alert }?.occurrences ?? 0
                draft.record(existing, event: .alertRepeated(alert), actor: actor, subject: "alert repeated (\(count) occurrences)")
                return (existing, false)
            }
            let opening = self.opening(for: request, number: draft.nextNumber)
            var incident = try Incident(opening: opening, at: draft.now, actor: actor)
            for event in followUp { try incident.apply(event, at: draft.now, actor: actor) }
            draft.record(incident, event: .opened(opening), actor: actor,
                         subject: "opened (P\(incident.priority.rawValue)): \(incident.shortDescription)")
            return (incident, true)
        }
    }

    /// Applies `event` (a note, a transition, an assignment ...) to the incident `number`.
    public func apply(_ event: IncidentEvent, to number: IncidentNumber, actor: String) async throws -> Incident {
        try await apply([event], to: number, actor: actor)
    }

    /// Applies several events to the incident `number` in one write, each its own event, all or none.
    public func apply(_ events: [IncidentEvent], to number: IncidentNumber, actor: String) async throws -> Incident {
        try await write { draft in
            guard let incident = draft.incident(number) else { throw IncidentStoreError.unknownIncident(number) }
            // Every event is applied before any is recorded, so a refusal records nothing.
            let steps = try Self.steps(events, on: incident, at: draft.now, actor: actor)
            for (snapshot, event, subject) in steps { draft.record(snapshot, event: event, actor: actor, subject: subject) }
            return steps.last?.0 ?? incident
        }
    }

    /// `events` applied one after the other: the record after each, with its commit subject.
    private static func steps(
        _ events: [IncidentEvent], on incident: Incident, at now: Date, actor: String
    ) throws -> [(Incident, IncidentEvent, String)] {
        var incident = incident
        return try events.map { event in
            let before = incident.state
            try incident.apply(event, at: now, actor: actor)
            return (incident, event, subject(event, from: before, to: incident))
        }
    }

    /// Links the incident's next run (`INC0000042-1`, `-2` ...) and returns its id.
    public func linkNextRun(to number: IncidentNumber, actor: String) async throws -> (incident: Incident, run: String) {
        try await write { draft in
            guard var incident = draft.incident(number) else { throw IncidentStoreError.unknownIncident(number) }
            let run = "\(number)-\(incident.runs.count + 1)"
            try incident.apply(.runLinked(run), at: draft.now, actor: actor)
            draft.record(incident, event: .runLinked(run), actor: actor, subject: "run \(run) linked")
            return (incident, run)
        }
    }

    /// Creates a job (``JobRecord``) with the next job number, for a run asked for without an incident, and links
    /// its run (`JOB0000007-1`); the job's events go to ``append(_:to:)`` with its number.
    ///
    /// - Parameter scheduledFor: the schedule's instant the job runs for: it is claimed in the same commit, and
    ///   refused (``IncidentStoreError/alreadyScheduled(runbook:instant:claimed:)``) unless it is later than every
    ///   instant a job of this runbook claimed before, whichever process wrote that job.
    public func openJob(runbook: String, path: String, actor: String, scheduledFor: Date? = nil) async throws -> JobRecord {
        try await write { draft in
            if let scheduledFor, let claimed = draft.lastScheduled(runbook), scheduledFor <= claimed {
                throw IncidentStoreError.alreadyScheduled(runbook: runbook, instant: scheduledFor, claimed: claimed)
            }
            let job = JobRecord(number: draft.nextJob, runbook: runbook, runbookPath: path, requestedBy: actor, createdAt: draft.now,
                                scheduledFor: scheduledFor)
            try draft.record(creating: job, actor: actor)
            return job
        }
    }

    /// One event that writes files in an incident's folder without changing its record: see
    /// ``appendEvents(_:to:)``.
    public struct FolderEvent: Sendable {
        /// The `Event:` trailer (`run-started`, `step-ended` ...).
        public var name: AuditEventName
        public var subject: String
        /// Files in the incident's folder (a run's record, a step's log); never the record itself.
        public var files: [FileChange]
        /// More trailers (`Run:`, `Step:`, `Runbook:`, `Runbook-Commit:` ...).
        public var trailers: [Trailer]
        public var actor: String
        /// Handed to this process's subscribers with the event (``AuditEvent/attachment``): the run record the
        /// files encode, say, so that nobody decodes them again.
        public var attachment: (any Sendable)?

        public init(name: AuditEventName, subject: String, files: [FileChange], trailers: [Trailer] = [], actor: String,
                    attachment: (any Sendable)? = nil) {
            self.name = name
            self.subject = subject
            self.files = files
            self.trailers = trailers
            self.actor = actor
            self.attachment = attachment
        }
    }

    /// Commits `files`, which must lie in the incident's folder (a run's record, a step's log),
    /// as one event of the incident that leaves its record as it is.
    public func appendEvent(_ event: FolderEvent, to number: IncidentNumber) async throws {
        try await appendEvents([event], to: number)
    }

    /// Commits several such events in order, each its own event, in one write: what a run's journal
    /// does with the events that piled up while the last batch was being written.
    public func appendEvents(_ events: [FolderEvent], to number: IncidentNumber) async throws {
        try await append(events.map { .files($0) }, to: number)
    }

    /// One entry of a run's journal: files in the incident's folder, or a change of the record
    /// decided when the batch is written.
    public enum JournalEntry: Sendable {
        case files(FolderEvent)
        /// Events `decide` picks for the incident as it is at that point of the batch (the run's
        /// move to In Progress, its resolution). When they no longer apply (someone closed the
        /// incident meanwhile), the entry records nothing rather than failing the run's events around it.
        case change(actor: String, decide: @Sendable (Incident) -> [IncidentEvent])
    }

    /// Commits `entries` in order, each its own event, in one write. A run's last events and the
    /// incident's resolution go out together this way: one sync instead of two at the end of every run.
    public func append(_ entries: [JournalEntry], to number: IncidentNumber) async throws {
        let folder = IncidentRecordFile.folder(for: number) + "/"
        let record = number.isJob ? JobRecord.path(for: number) : IncidentRecordFile.path(for: number)
        for case .files(let event) in entries {
            for file in event.files where !file.path.hasPrefix(folder) || file.path == record {
                throw IncidentStoreError.outsideIncident(path: file.path, number: number)
            }
        }
        try await write { draft in
            if number.isJob { return try Self.append(entries, toJob: number, in: &draft) }
            guard draft.incident(number) != nil else { throw IncidentStoreError.unknownIncident(number) }
            for entry in entries {
                let incident = draft.incident(number)!
                switch entry {
                case .files(let event):
                    draft.record(files: event.files, of: incident, event: event.name, actor: event.actor, subject: event.subject,
                                 trailers: event.trailers, attachment: event.attachment)
                case .change(let actor, let decide):
                    // Nothing may throw once the draft holds this batch's records, so a change that
                    // no longer applies is dropped whole.
                    guard let steps = try? Self.steps(decide(incident), on: incident, at: draft.now, actor: actor) else { continue }
                    for (snapshot, event, subject) in steps { draft.record(snapshot, event: event, actor: actor, subject: subject) }
                }
            }
        }
    }

    /// Records the SLA breaches that are due and closes Resolved incidents whose wait is over.
    ///
    /// - Returns: the incidents it changed.
    public func sweep(actor: String = Automation.actor) async throws -> [Incident] {
        try await write { draft in
            // Work out every change first and record them after, so a refusal records nothing.
            // Each step keeps the record as it was after that event, for its own commit.
            // The batch's view of every incident, not the book's: a resolve queued earlier in this
            // batch must not be overwritten by the copy from before it.
            var steps: [(incident: Incident, event: IncidentEvent, subject: String)] = []
            for var incident in draft.incidentsDue(by: draft.now) {
                for breach in self.policy.breaches(of: incident, at: draft.now) {
                    try incident.apply(.slaBreached(breach.kind), at: draft.now, actor: actor)
                    steps.append((incident, .slaBreached(breach.kind), "\(breach.kind) SLA breached"))
                }
                if let due = self.policy.autoCloseDue(for: incident), due <= draft.now {
                    try incident.apply(.autoClosed, at: draft.now, actor: actor)
                    steps.append((incident, .autoClosed, "closed automatically after resolution"))
                }
            }
            for step in steps { draft.record(step.incident, event: step.event, actor: actor, subject: step.subject) }
            var changed: [IncidentNumber: Incident] = [:]
            for step in steps { changed[step.incident.number] = step.incident }
            return changed.values.sorted { $0.number < $1.number }
        }
    }

    /// A job's events: files in its folder; changes of an incident's record do not apply to a job and are left out.
    private static func append(_ entries: [JournalEntry], toJob number: IncidentNumber, in draft: inout IncidentDraft) throws {
        guard draft.hasJob(number) else { throw IncidentStoreError.unknownIncident(number) }
        for case .files(let event) in entries {
            draft.record(files: event.files, ofJob: number, event: event.name, actor: event.actor, subject: event.subject,
                         trailers: event.trailers, attachment: event.attachment)
        }
    }

    /// The latest instant each scheduled runbook's jobs claimed.
    public nonisolated func lastScheduled(_ runbook: String) -> Date? {
        shared.withLock { $0.lastScheduled[runbook] }
    }

    /// Reads job records (`job.json`): a job's number and schedule instant are all the book keeps of it.
    private static func parseJobs(_ files: [(path: String, blob: ObjectID)], at commit: ObjectID, in repository: Repository) throws -> [JobRecord] {
        let decoder = IncidentRecordFile.makeJSONDecoder()
        return try files.map { file in
            do {
                return try decoder.decode(JobRecord.self, from: try repository.readBlob(file.blob))
            } catch let error as DecodingError {
                throw IncidentStoreError.corruptRecord(path: file.path, commit: commit, problem: "\(error)")
            }
        }
    }

    // MARK: - Group commit

    /// A write waiting for the next batch: it runs against the batch's draft and, once the batch is
    /// durable (or has failed), hands its result to the waiting caller.
    private struct PendingWrite {
        /// Applies the write to the draft; returns how to answer the caller once the batch is committed.
        let run: (inout IncidentDraft) -> (_ committed: Result<Void, Error>) -> Void
    }

    /// Queues `body` for the next batch and waits until that batch is on disk.
    ///
    /// `body` must call ``IncidentDraft/record(_:event:actor:subject:)`` only after everything that
    /// can throw, so that a refused write leaves the draft untouched (copying the draft per write
    /// instead would make a batch cost the square of its size).
    private func write<Value: Sendable>(_ body: @escaping (inout IncidentDraft) throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            pending.append(PendingWrite { draft in
                do {
                    let value = try body(&draft)
                    return { committed in continuation.resume(with: committed.map { value }) }
                } catch {
                    return { _ in continuation.resume(throwing: error) }
                }
            })
            if !flushScheduled {
                flushScheduled = true
                Task { self.flush() }
            }
        }
    }

    /// Makes every queued write durable as one batch, then answers them.
    private func flush() {
        flushScheduled = false
        let batch = pending
        pending = []
        defer { publishCaughtUp() }
        if journaling { journal(batch) } else { commit(batch) }
    }

    /// What one batch of writes changed, and how to answer each write.
    private struct Planned {
        let changed: [IncidentNumber: Incident]
        let answers: [(Result<Void, Error>) -> Void]
        let entries: [AuditEntry]
        let payloads: [Payload]
        let jobs: [JobRecord]
    }

    /// What an event carries for subscribers in this process (see ``AuditEvent``).
    typealias Payload = (record: Incident?, attachment: (any Sendable)?)

    /// Runs `batch` against a draft of the book. Only the changes leave: the draft holds a reference to the book's
    /// storage, and keeping it alive would make the first store into the book copy all of it.
    private func plan(_ batch: [PendingWrite]) -> Planned {
        var draft = IncidentDraft(book: shared.withLock { $0 }, now: clock())
        let answers = batch.map { $0.run(&draft) }
        return Planned(changed: draft.changed, answers: answers, entries: draft.auditEntries(), payloads: draft.payloads(), jobs: draft.jobs)
    }

    /// Commits `batch` and answers once the commits are synced.
    private func commit(_ batch: [PendingWrite]) {
        do {
            let (commits, (planned, placements)) = try auditLog.append { head in
                try catchUp(to: head)
                let planned = plan(batch)
                let (grouped, placements) = AuditBatch.group(planned.entries)
                return (grouped, (planned, placements))
            }
            keep(planned)
            // Our last commit, not the branch head: another writer may have appended since, unseen.
            if let last = commits.last { tip = last }
            publishCaughtUp()
            feed.publish(Self.events(planned.entries, payloads: planned.payloads, commits: commits, placements: placements))
            planned.answers.forEach { $0(.success(())) }
        } catch {
            fail(batch, error)
        }
    }

    /// Appends `batch` to the intake journal and answers once it is synced there; a commit cycle puts it on the branch.
    private func journal(_ batch: [PendingWrite]) {
        let planned: Planned
        do {
            let hold = try auditLog.holdForJournal()
            if hold.acquired { try catchUp(to: hold.head) }
            planned = plan(batch)
        } catch {
            auditLog.releaseJournalIfDrained()
            return fail(batch, error)
        }
        do {
            try auditLog.journal(planned.entries)
        } catch {
            auditLog.releaseJournalIfDrained()
            return planned.answers.forEach { $0(.failure(error)) }
        }
        keep(planned)
        journaled += zip(planned.entries, planned.payloads).map { ($0, $1) }
        planned.answers.forEach { $0(.success(())) }
        guard !planned.entries.isEmpty else {
            auditLog.releaseJournalIfDrained()
            return
        }
        if !cycleRunning {
            cycleRunning = true
            Task { await committer.run(for: self) }
        }
    }

    /// Stores a durable batch's changes in the book.
    private func keep(_ planned: Planned) {
        shared.withLock { book in
            for incident in planned.changed.values { book.store(incident) }
            for job in planned.jobs { book.note(job) }
        }
    }

    /// Fails every write of `batch`: nothing of it is visible, validation failures included.
    private func fail(_ batch: [PendingWrite], _ error: any Error) {
        for write in batch {
            var scratch = IncidentDraft(book: shared.withLock { $0 }, now: clock())
            write.run(&scratch)(.failure(error))
        }
    }

    /// The feed's events for `entries`, placed in `commits` as `placements` say.
    private static func events(
        _ entries: [AuditEntry], payloads: [Payload], commits: [ObjectID], placements: [AuditBatch.Placement]
    ) -> [AuditEvent] {
        zip(placements, zip(entries, payloads)).compactMap { placement, pair in
            let entry = pair.0
            return AuditEvent(commit: commits[placement.commit], index: placement.index, subject: entry.message.prefix { $0 != "\n" }.description,
                              trailers: entry.trailers, time: entry.author.time, record: pair.1.record, attachment: pair.1.attachment)
        }
    }

    // MARK: - Commit cycles

    /// For the committer: every journaled event not yet on the branch, oldest first (the journal is sealed, so
    /// later ones go to the next cycle); nil when there are none, which ends the cycles.
    func takeJournaled() -> [AuditEntry]? {
        guard !journaled.isEmpty else {
            cycleRunning = false
            resumeDrainWaiters()
            return nil
        }
        auditLog.sealJournal()
        return journaled.map(\.entry)
    }

    /// For the committer: the first `count` journaled events are on the branch, the last of them in `commits`.
    ///
    /// - Parameter landedEarlier: the head up to which a failed cycle had already put the first of them on the branch
    ///   (its sync failed after the branch moved); they are published as read from there.
    func committed(_ count: Int, landedEarlier: ObjectID?, commits: [ObjectID], placements: [AuditBatch.Placement]) {
        let done = journaled.prefix(count)
        journaled.removeFirst(count)
        if let landedEarlier {
            feed.publish(historyEvents(after: tip, upTo: landedEarlier))
            tip = landedEarlier
        }
        if let last = commits.last { tip = last }
        let fresh = done.suffix(placements.count)
        feed.publish(Self.events(fresh.map(\.entry), payloads: fresh.map(\.payload), commits: commits, placements: placements))
        auditLog.retireJournal(head: tip)
        if journaled.isEmpty { resumeDrainWaiters() }
    }

    /// For the committer: a cycle failed; its events stay journaled and the next cycle tries them again.
    func commitFailed() {
        journalCounts.withLock { $0.failedCycles += 1 }
        // Shutdown does not wait for a disk that stays full: the journal is committed at the next start.
        resumeDrainWaiters()
    }

    /// The intake journal's backlog: events acknowledged but not yet on the branch, and the commit cycles that failed
    /// since the start (a full disk; each is retried a second later). A failing cycle shows nowhere else, so the
    /// server exports both. Nonisolated, like the other reads: it never waits for a write.
    public nonisolated var journalStatus: (events: Int, failedCycles: Int) {
        journalCounts.withLock { ($0.events, $0.failedCycles) }
    }

    /// Waits until every journaled event is on the branch, or a commit cycle failed (at shutdown: what is left is
    /// committed when the next process starts).
    public func drainJournal() async {
        guard !journaled.isEmpty else { return }
        await withCheckedContinuation { drainWaiters.append($0) }
    }

    private func resumeDrainWaiters() {
        let waiters = drainWaiters
        drainWaiters = []
        waiters.forEach { $0.resume() }
    }

    /// Publishes the events catch-ups read, oldest first.
    private func publishCaughtUp() {
        guard !caughtUp.isEmpty else { return }
        let events = caughtUp
        caughtUp = []
        feed.publish(events)
    }

    /// Brings the book up to `head`, reading only the records that changed since ``tip``, and queues
    /// the events of the commits it passes for publishing.
    private func catchUp(to head: ObjectID?) throws {
        guard let head, head != tip else { return }
        let changes: [(String, ObjectID)]
        if let tip {
            changes = try auditLog.repository.changedFiles(from: tip, to: head, under: Self.recordsFolder)
                .compactMap { change in change.blob.map { (change.path, $0) } }
                .filter { $0.0.hasSuffix("/record.md") }
        } else {
            changes = try auditLog.repository.files(at: head, under: Self.recordsFolder)
                .filter { $0.path.hasSuffix("/record.md") }.map { ($0.path, $0.blob) }
        }
        let incidents = try Self.parse(changes, at: head, in: auditLog.repository).map { try $0.get() }
        let jobFiles = try tip.map { try auditLog.repository.changedFiles(from: $0, to: head, under: JobRecord.folder)
            .compactMap { change in change.blob.map { (change.path, $0) } } }
            ?? auditLog.repository.files(at: head, under: JobRecord.folder).map { ($0.path, $0.blob) }
        let jobs = try Self.parseJobs(jobFiles.filter { JobRecord.number(inPath: $0.0) != nil }, at: head, in: auditLog.repository)
        let events = historyEvents(after: tip, upTo: head)
        shared.withLock { book in
            for incident in incidents { book.store(incident) }
            for job in jobs { book.note(job) }
        }
        caughtUp += events
        tip = head
    }

    /// The events of the commits after `tip` up to `head`, as read from the branch; a history someone rewrote has none
    /// to tell, only the records as they are now.
    private func historyEvents(after tip: ObjectID?, upTo head: ObjectID) -> [AuditEvent] {
        var events: [AuditEvent] = []
        try? auditLog.repository.walkForward(after: tip, upTo: head) { commit in
            events += AuditEvent.events(of: commit)
            return true
        }
        return events
    }

    /// Reads and parses record files on all cores: reads take the repository's lock one at a time,
    /// and overlap with other workers' parsing.
    private static func parse(
        _ files: [(path: String, blob: ObjectID)], at commit: ObjectID, in repository: Repository
    ) throws -> [Result<Incident, IncidentStoreError>] {
        // A blob that cannot be read is a repository failure (thrown); one that does not parse is a corrupt record.
        try concurrentMap(files.indices) { index -> Result<Result<Incident, IncidentStoreError>, Error> in
            Result {
                let contents = try repository.readBlob(files[index].blob)
                do {
                    return .success(try IncidentRecordFile.parse(contents))
                } catch {
                    return .failure(.corruptRecord(path: files[index].path, commit: commit, problem: "\(error)"))
                }
            }
        }.map { try $0.get() }
    }

    // MARK: - Texts

    /// The opening of a new incident: the request with its number and the SLA targets in force.
    private nonisolated func opening(for request: IncidentRequest, number: IncidentNumber) -> IncidentOpening {
        let impact = request.impact ?? .medium
        let urgency = request.effectiveUrgency
        var opening = IncidentOpening(
            number: number, shortDescription: request.shortDescription, description: request.description, caller: request.caller,
            category: request.category, service: request.service, assignmentGroup: request.assignmentGroup,
            assignedTo: request.assignedTo, impact: impact, urgency: urgency, labels: request.labels, alert: request.alert,
            slaTargets: policy.targets(for: Priority(impact: impact, urgency: urgency)))
        opening.annotations = request.annotations
        return opening
    }

    /// The subject line of an event in `git log --oneline audit`.
    private static func subject(_ event: IncidentEvent, from before: IncidentState, to incident: Incident) -> String {
        switch event {
        case .transitioned, .reopened, .autoClosed:
            let code = incident.state == .resolved ? incident.closeCode.map { " (\($0.title))" } ?? "" : ""
            return "\(before.title) -> \(incident.state.title)\(code)"
        case .acknowledged: return "acknowledged by \(incident.workNotes.last?.author ?? "someone")"
        case .snoozed: return "snoozed by \(incident.acknowledgedBy ?? "someone") until \(incident.snoozedUntil.map(Timestamp.format) ?? "?")"
        case .unacknowledged: return "acknowledgement withdrawn"
        case .silenced(let id, _): return "silenced by \(id)"
        case .noteAdded: return "work note added"
        case .assigned: return "assigned to \(incident.assignedTo ?? incident.assignmentGroup ?? "nobody")"
        case .slaBreached(let kind): return "\(kind) SLA breached"
        case .impactUrgencyChanged: return "priority now P\(incident.priority.rawValue)"
        case .runLinked(let run): return "run \(run) linked"
        case .alertRepeated: return "alert repeated"
        case .opened: return "opened: \(incident.shortDescription)"
        }
    }
}
