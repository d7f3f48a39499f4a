import Foundation
import OnCall
import Synchronization

/// Every silence in force: those reviewed in the wiki (`config/oncall.yaml`) and those people made through the API or
/// the CLI, which live in the data directory (`silences.json`), since a maintenance window that starts in five
/// minutes cannot wait for a review.
///
/// The file is replaced whole (write, fsync, rename) on every change, and read again when another process (the CLI
/// beside a running server) changed it, so both see the same silences.
public final class SilenceBook: Sendable {
    /// The data directory's file of API silences.
    public let path: String
    private struct State {
        var wiki: [Silence] = []
        var made: [Silence] = []
        var modified: Date?
    }
    private let state = Mutex(State())

    /// Opens the book on `path`, reading it if it exists.
    ///
    /// - Throws: ``SilenceBookError`` when the file is not a list of silences.
    public init(path: String) throws {
        self.path = path
        try reloadIfChanged()
    }

    /// The silences from the wiki, as of its last deployment.
    public func deploy(_ silences: [Silence]) {
        state.withLock { $0.wiki = silences }
    }

    /// Every silence, the wiki's first; with `activeAt`, only those in force then.
    public func all(activeAt date: Date? = nil) -> [Silence] {
        try? reloadIfChanged()
        let silences = state.withLock { $0.wiki + $0.made }
        return date.map { date in silences.filter { $0.isActive(at: date) } } ?? silences
    }

    /// The first silence in force at `date` that matches `labels`.
    public func match(_ labels: [String: String], at date: Date) -> Silence? {
        all().first { $0.matches(labels: labels, at: date) }
    }

    /// Adds a silence made through the API or CLI, and saves the file before it returns.
    public func add(_ silence: Silence) throws {
        try reloadIfChanged()
        try change { made in
            guard !made.contains(where: { $0.id == silence.id }) else { throw SilenceBookError.duplicate(silence.id) }
            made.append(silence)
        }
    }

    /// Ends a silence made through the API or CLI now (it stays listed, ended); a wiki silence is ended by a commit.
    ///
    /// - Returns: the silence as it is now.
    @discardableResult
    public func expire(_ id: String, at date: Date) throws -> Silence {
        try reloadIfChanged()
        if state.withLock({ $0.wiki.contains { $0.id == id } }) { throw SilenceBookError.inWiki(id) }
        var ended: Silence?
        try change { made in
            guard let index = made.firstIndex(where: { $0.id == id }) else { throw SilenceBookError.unknown(id) }
            // The file keeps whole seconds and a silence must end after it starts: one ended before (or within the
            // second) it began never took effect, and leaves the list.
            if date < made[index].startsAt + 1 {
                ended = made.remove(at: index)
                // As it is reported: ended within its first second (readers refuse a silence that ends as it starts).
                ended!.endsAt = ended!.startsAt + 1
            } else {
                made[index].endsAt = min(made[index].endsAt, date)
                ended = made[index]
            }
        }
        return ended!
    }

    private func change(_ body: (inout [Silence]) throws -> Void) throws {
        var made = state.withLock { $0.made }
        try body(&made)
        // Ended more than a week ago: nobody needs it in the list any more.
        made.removeAll { $0.endsAt < Date() - 7 * 86_400 }
        try save(made)
        state.withLock { $0.made = made; $0.modified = Self.modification(of: path) }
    }

    private func save(_ silences: [Silence]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(silences)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { throw SilenceBookError.unwritable(path) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else { throw SilenceBookError.unwritable(path) }
    }

    private func reloadIfChanged() throws {
        let modified = Self.modification(of: path)
        guard modified != state.withLock({ $0.modified }) else { return }
        guard let data = FileManager.default.contents(atPath: path) else {
            state.withLock { $0.made = []; $0.modified = modified }
            return
        }
        do {
            let made = try JSONDecoder().decode([Silence].self, from: data)
            state.withLock { $0.made = made; $0.modified = modified }
        } catch {
            throw SilenceBookError.corrupt(path, "\(error)")
        }
    }

    private static func modification(of path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}

/// What is wrong with a change of the silences.
public enum SilenceBookError: Error, Sendable, CustomStringConvertible {
    case duplicate(String)
    case unknown(String)
    case inWiki(String)
    case unwritable(String)
    case corrupt(String, String)

    public var description: String {
        switch self {
        case .duplicate(let id): "a silence with id \(id) exists"
        case .unknown(let id): "no silence \(id)"
        case .inWiki(let id): "silence \(id) is in the wiki (config/oncall.yaml): end it with a commit"
        case .unwritable(let path): "cannot write \(path)"
        case .corrupt(let path, let problem): "\(path) is not a list of silences: \(problem)"
        }
    }
}
