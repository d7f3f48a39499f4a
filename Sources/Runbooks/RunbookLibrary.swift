import Foundation
import Wiki

/// Every runbook of a wiki at one commit: the unit that gets deployed when the wiki's branch moves.
///
/// Runbooks are the Markdown files under `runbooks/`. A file with errors is kept with its
/// diagnostics but never offered for matching, so one bad page cannot stop the others.
public struct RunbookLibrary: Sendable {
    /// The wiki commit these runbooks were read from; a run pins it.
    public let commit: ObjectID
    /// Every Markdown file under `runbooks/`, sorted by path, parsed or not.
    public let pages: [ParsedRunbook]
    /// How many files this load parsed; the rest were reused from the previous load.
    public let reparsedCount: Int
    /// Each page with its blob id, so the next load can skip files that did not change.
    private let cache: [String: (blob: ObjectID, page: ParsedRunbook)]

    /// The runbooks without errors, sorted by path.
    public var runbooks: [Runbook] { pages.compactMap(\.runbook) }

    /// Every diagnostic of every page, by path then line.
    public var diagnostics: [Diagnostic] { pages.flatMap(\.diagnostics) }

    /// The runbook with this id (`disk-full`) or path (`runbooks/disk-full.md`), if it loaded.
    public func runbook(_ idOrPath: String) -> Runbook? {
        runbooks.first { $0.id == idOrPath || $0.path == idOrPath }
    }

    /// The page with this id or path, loaded or not, to explain why a runbook is missing.
    public func page(_ idOrPath: String) -> ParsedRunbook? {
        pages.first { $0.path == idOrPath || $0.path == "\(RunbookLibrary.directory)/\(idOrPath).md" }
    }

    /// The folder of the wiki that holds runbooks.
    public static let directory = "runbooks"

    /// Loads every runbook at `commit`.
    ///
    /// With `previous`, a file whose path and blob are unchanged is not parsed again, which is
    /// what makes a reload after one commit cheap. Parsing runs on all cores; reading blobs
    /// is serial because the repository is.
    public static func load(from repository: Repository, at commit: ObjectID, reusing previous: RunbookLibrary? = nil) throws -> RunbookLibrary {
        let entries = try repository.files(at: commit, under: directory).filter { $0.path.hasSuffix(".md") }
        var pages = [ParsedRunbook?](repeating: nil, count: entries.count)
        var toParse: [(index: Int, path: String, data: Data)] = []
        for (index, entry) in entries.enumerated() {
            if let cached = previous?.cache[entry.path], cached.blob == entry.blob {
                pages[index] = cached.page
            } else {
                toParse.append((index, entry.path, try repository.readBlob(entry.blob)))
            }
        }
        for (index, page) in parseAll(toParse.map { ($0.path, $0.data) }).enumerated() {
            pages[toParse[index].index] = page
        }
        let loaded = pages.map { $0! }
        let cache = Dictionary(uniqueKeysWithValues: zip(entries, loaded).map { ($0.path, (blob: $0.blob, page: $1)) })
        return RunbookLibrary(commit: commit, pages: loaded, reparsedCount: toParse.count, cache: cache)
    }

    /// Parses files concurrently; the result is in input order.
    private static func parseAll(_ files: [(path: String, data: Data)]) -> [ParsedRunbook] {
        let results = ResultSlots<ParsedRunbook>(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            results[index] = RunbookParser.parse(files[index].data, path: files[index].path)
        }
        return results.values
    }
}

/// Fixed slots written by concurrent workers, each to its own index.
private final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    // Each index is written by exactly one iteration of concurrentPerform and read only after
    // all of them end, so no lock is needed; a raw buffer avoids Array's copy-on-write checks.
    private let slots: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    subscript(index: Int) -> Value? {
        get { slots[index] }
        set { slots[index] = newValue }
    }

    var values: [Value] { slots.map { $0! } }
}
