import ArgumentParser
import Foundation
import Runbooks
import Wiki

/// Which wiki repository and revision a command reads.
///
/// The wiki is `--wiki`, else `$RUNBOOK_WIKI`, else the git work tree the current directory is in when its top level
/// holds `runbooks/` (someone working in a clone of the wiki means that one), else the embedded wiki under
/// `$RUNBOOK_HOME`.
struct WikiOptions: ParsableArguments {
    /// The help of `--wiki`, for the commands that take it without the other options.
    static let wikiHelp = ArgumentHelp(
        "The wiki git repository (default: $RUNBOOK_WIKI, else the git work tree you are in if it has runbooks/, else the embedded wiki).",
        valueName: "path")

    @Option(help: wikiHelp)
    var wiki: String?

    @Option(help: ArgumentHelp("Branch or revision to read runbooks from (default: the branch HEAD names).", valueName: "rev"))
    var revision: String?

    /// Opens the chosen wiki; the embedded default is created from the bundled examples on first use.
    func openRepository() throws -> Repository {
        if let path = wiki ?? ProcessInfo.processInfo.environment["RUNBOOK_WIKI"] {
            return try Repository.open(path)
        }
        // Before the embedded wiki, so that nothing is read from (or created in) a `.runbook/` below the work tree.
        if let workTree = WorkTree.enclosingWiki() {
            return try Repository.open(workTree.path)
        }
        let path = DataDirectory.current.wiki
        if FileManager.default.fileExists(atPath: path) {
            return try Repository.open(path)
        }
        do {
            let (repository, count) = try BundledExamples.seed(at: path, publishingKey: true)
            Console.note("created the embedded wiki at \(path) with \(count) example runbooks")
            return repository
        } catch let error as GitError {
            // Another command started at the same moment created it first.
            guard let repository = try? Repository.open(path) else { throw error }
            return repository
        }
    }

    /// The commit to read: `--revision`, else the head of the branch HEAD names.
    func commit(in repository: Repository) throws -> ObjectID {
        try repository.resolve(revision ?? "HEAD")
    }

    /// Loads every runbook of the wiki at the chosen commit.
    func library() throws -> RunbookLibrary {
        let repository = try openRepository()
        return try RunbookLibrary.load(from: repository, at: commit(in: repository))
    }
}
