import Foundation
import Wiki

/// Several events in one audit commit: how a batch of writes becomes few commits, and how readers get the events
/// back.
///
/// A commit that carries one event is written as before: its subject and its trailers. One that carries several
/// has a subject that sums them up, one paragraph per event (the event's own subject line, then its trailers, one
/// `Key: value` per line), and a last paragraph with one trailer, `Events: N`:
///
/// ```
/// INC0000043..INC0000142: 100 events (100 opened)
///
/// INC0000043: opened (P3): Disk full on host-1
/// Incident: INC0000043
/// Event: opened
/// …
///
/// INC0000044: opened (P3): Disk full on host-2
/// …
///
/// Events: 100
/// ```
///
/// Each event still changes only the files of its own scope (``AuditEventScope``) and two events of one commit never
/// share a scope, so `git log -- incidents/…/INC0000043` still lists every event of that incident with the record
/// as that event left it. Values are one line (``AuditRecord/oneLine(_:limit:)``), so no event's text can end its
/// paragraph or pass for another event's trailer.
public enum AuditBatch {
    /// The most events one commit carries: a commit message stays a few hundred kilobytes at most.
    static let limit = 500

    /// The author of a commit of several events: their actor when they share one, else this identity.
    static let mixedActors = "runbook"

    /// Where an event went: the commit (an index into ``group(_:)``'s commits) and its place in that commit, nil when
    /// the commit carries it alone.
    struct Placement: Sendable, Equatable {
        let commit: Int
        let index: Int?
    }

    /// The commits that carry `entries` (one event each), in order: consecutive events share a commit while their
    /// scopes differ, up to ``limit``; an event with no scope, or one whose scope is already in the commit being
    /// filled, starts the next.
    static func group(_ entries: [AuditEntry]) -> (commits: [AuditEntry], placements: [Placement]) {
        var groups: [[AuditEntry]] = []
        var current: [AuditEntry] = []
        var scopes: Set<AuditEventScope> = []
        func close() {
            if !current.isEmpty { groups.append(current) }
            current = []
            scopes = []
        }
        for entry in entries {
            guard let scope = AuditEventScope(trailers: entry.trailers) else {
                close()
                groups.append([entry])
                continue
            }
            if scopes.contains(scope) || current.count == limit { close() }
            current.append(entry)
            scopes.insert(scope)
        }
        close()
        var placements: [Placement] = []
        placements.reserveCapacity(entries.count)
        for (number, group) in groups.enumerated() {
            placements += group.indices.map { Placement(commit: number, index: group.count == 1 ? nil : $0) }
        }
        return (groups.map(combined), placements)
    }

    /// The commits that carry `entries`, for ``AuditLog/grouping`` (recovering a journal groups as a server does).
    public static func commits(for entries: [AuditEntry]) -> [AuditEntry] {
        group(entries).commits
    }

    /// One entry for the commit of `events`: the event itself when it is alone.
    private static func combined(_ events: [AuditEntry]) -> AuditEntry {
        guard events.count > 1 else { return events[0] }
        let paragraphs = events.map { event in
            ([event.message] + event.trailers.map { "\($0.key): \($0.value)" }).joined(separator: "\n")
        }
        let actors = Set(events.map { $0.trailers.value(of: .actor) ?? "" })
        let author = AuditRecord.author(actors.count == 1 ? actors.first! : mixedActors, at: events[0].author.time)
        return AuditEntry(
            changes: events.flatMap(\.changes), message: subject(of: events) + "\n\n" + paragraphs.joined(separator: "\n\n"),
            trailers: [Trailer(.events, String(events.count))], author: author)
    }

    /// `INC0000043..INC0000142: 100 events (98 opened, 2 alert-repeated)`.
    private static func subject(of events: [AuditEntry]) -> String {
        let owners = events.compactMap { $0.trailers.value(of: .incident) ?? $0.trailers.value(of: .job) }
        var counts: [String: Int] = [:]
        var order: [String] = []
        for name in events.map({ $0.trailers.value(of: .event) ?? "?" }) {
            if counts[name] == nil { order.append(name) }
            counts[name, default: 0] += 1
        }
        let range = owners.min().map { low in low == owners.max()! ? low : "\(low)..\(owners.max()!)" } ?? "audit"
        return "\(range): \(events.count) events (" + order.map { "\(counts[$0]!) \($0)" }.joined(separator: ", ") + ")"
    }

    /// One event of a commit, as its paragraph says.
    public struct Event: Sendable, Equatable {
        /// Its place among the commit's events; nil for a commit's only event.
        public let index: Int?
        /// Its subject line (`INC0000042: opened (P3): …`).
        public let subject: String
        public let trailers: [Trailer]
    }

    /// The events `commit` carries: itself when it has no `Events:` trailer.
    ///
    /// - Throws: ``AuditBatchError`` when the paragraphs do not parse or their number is not the one the trailer
    ///   gives (a message edited by hand).
    public static func events(of commit: Commit) throws(AuditBatchError) -> [Event] {
        guard let declared = commit.trailers.value(of: .events) else {
            return [Event(index: nil, subject: commit.summary, trailers: commit.trailers)]
        }
        guard let count = Int(declared), count > 1 else { throw .badCount(declared) }
        var paragraphs = commit.message.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        // The subject before the events, the `Events:` trailer after them.
        guard paragraphs.count >= 2 else { throw .countDisagrees(declared: count, found: 0) }
        paragraphs.removeFirst()
        paragraphs.removeLast()
        guard paragraphs.count == count else { throw .countDisagrees(declared: count, found: paragraphs.count) }
        return try paragraphs.enumerated().map { (index, paragraph) throws(AuditBatchError) in
            let lines = paragraph.split(separator: "\n", omittingEmptySubsequences: false)
            let trailers = try lines.dropFirst().map { line throws(AuditBatchError) in
                guard let colon = line.firstRange(of: ": ") else { throw .notATrailer(event: index + 1, line: String(line)) }
                return Trailer(String(line[..<colon.lowerBound]), String(line[colon.upperBound...]))
            }
            return Event(index: index, subject: String(lines[0]), trailers: trailers)
        }
    }
}
