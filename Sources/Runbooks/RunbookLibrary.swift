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
    /// The runbooks without errors, sorted by path: the ones alerts can match.
    public let runbooks: [Runbook]
    /// How many files this load parsed; the rest were reused from the previous load.
    public let reparsedCount: Int
    /// The hosts remote steps may run on, at the same commit, and what is wrong with their files.
    public let inventory: Inventory
    public let inventoryDiagnostics: [Diagnostic]
    /// The blob of each page, so a reload can tell which pages a commit changed.
    private let blobs: [String: ObjectID]

    private init(commit: ObjectID, pages: [ParsedRunbook], reparsedCount: Int, blobs: [String: ObjectID],
                 inventory: (inventory: Inventory, diagnostics: [Diagnostic])) {
        self.commit = commit
        self.inventory = inventory.inventory
        self.inventoryDiagnostics = inventory.diagnostics
        self.pages = pages
        self.runbooks = pages.compactMap(\.runbook)
        self.reparsedCount = reparsedCount
        self.blobs = blobs
    }

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
    /// With `previous`, only the pages that changed between its commit and `commit` are read and
    /// parsed (found by comparing trees, skipping unchanged folders), which is what makes a
    /// reload after one commit cheap however large the wiki is. Parsing runs on all cores;
    /// reading blobs is serial because the repository is.
    public static func load(from repository: Repository, at commit: ObjectID, reusing previous: RunbookLibrary? = nil) throws -> RunbookLibrary {
        guard let previous else { return try loadAll(from: repository, at: commit) }
        let changes = try repository.changedFiles(from: previous.commit, to: commit, under: directory).filter { isPage($0.path) }
        let updated = changes.compactMap { change in change.blob.map { (path: change.path, blob: $0) } }
        let parsed = Dictionary(uniqueKeysWithValues: try readAndParse(updated, from: repository).map { ($0.path, $0) })
        var pages = previous.pages
        var blobs = previous.blobs
        for change in changes {
            let index = insertionIndex(of: change.path, in: pages)
            let present = index < pages.count && pages[index].path == change.path
            blobs[change.path] = change.blob
            switch (change.blob, parsed[change.path]) {
            case let (.some, page?) where present: pages[index] = page
            case let (.some, page?): pages.insert(page, at: index)
            default: if present { pages.remove(at: index) }
            }
        }
        return RunbookLibrary(commit: commit, pages: pages, reparsedCount: parsed.count, blobs: blobs,
                              inventory: try Inventory.load(from: repository, at: commit))
    }

    /// Reads and parses every page at `commit`.
    private static func loadAll(from repository: Repository, at commit: ObjectID) throws -> RunbookLibrary {
        let entries = try repository.files(at: commit, under: directory).filter { isPage($0.path) }
        let pages = try readAndParse(entries.map { ($0.path, $0.blob) }, from: repository)
        let blobs = Dictionary(uniqueKeysWithValues: entries.map { ($0.path, $0.blob) })
        return RunbookLibrary(commit: commit, pages: pages, reparsedCount: entries.count, blobs: blobs,
                              inventory: try Inventory.load(from: repository, at: commit))
    }

    /// Whether a file under `runbooks/` is a runbook page; other files (images, notes) are not.
    private static func isPage(_ path: String) -> Bool {
        path.hasSuffix(".md")
    }

    /// Where `path` is or would go in `pages`, which are sorted by path.
    private static func insertionIndex(of path: String, in pages: [ParsedRunbook]) -> Int {
        var low = 0
        var high = pages.count
        while low < high {
            let middle = (low + high) / 2
            if pages[middle].path < path { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Reads and parses files on all cores; the result is in input order.
    ///
    /// Each worker reads its blob and parses it. Reads take the repository's lock, so they run
    /// one at a time, but while one worker reads, the others parse: reading overlaps parsing
    /// instead of preceding it.
    private static func readAndParse(_ files: [(path: String, blob: ObjectID)], from repository: Repository) throws -> [ParsedRunbook] {
        try concurrentMap(files.indices) { index in
            Result { RunbookParser.parse(try repository.readBlob(files[index].blob), path: files[index].path) }
        }.map { try $0.get() }
    }
}
