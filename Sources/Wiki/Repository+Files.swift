internal import CLibGit2
import Foundation

extension Repository {
    /// Reads the file at `path` (from the root, `/`-separated) as it was at `commit`.
    ///
    /// - Throws: ``WikiError/fileNotFound(path:commit:)`` when nothing or a directory is there;
    ///   ``WikiError/invalidPath(_:reason:)`` for a malformed path.
    public func readFile(_ path: String, at commit: ObjectID) throws -> Data {
        try RepositoryPath.validate(path)
        return try withHandle { repo in
            let commitObject = try Self.lookupCommit(commit, in: repo)
            defer { git_commit_free(commitObject) }
            guard let entry = try Self.entry(at: path, inCommit: commitObject), !entry.isTree,
                  entry.mode != GIT_FILEMODE_COMMIT else {
                throw WikiError.fileNotFound(path: path, commit: commit)
            }
            var blob: OpaquePointer?
            var oid = entry.id.oid
            try check(git_blob_lookup(&blob, repo, &oid), "git_blob_lookup")
            defer { git_blob_free(blob) }
            return Self.contents(of: blob!)
        }
    }

    /// Every file at `commit`, recursively, sorted by path; submodules are skipped.
    ///
    /// - Parameter prefix: a directory (e.g. `"runbooks"`, a trailing `/` is fine) to list only that subtree; a
    ///   missing prefix gives `[]`, a prefix naming a file gives just that file.
    public func files(at commit: ObjectID, under prefix: String = "") throws -> [TreeEntry] {
        let prefix = try RepositoryPath.normalizedPrefix(prefix)
        return try withHandle { repo in
            let commitObject = try Self.lookupCommit(commit, in: repo)
            defer { git_commit_free(commitObject) }
            let root = try Self.rootTree(of: commitObject)
            defer { git_tree_free(root) }
            var entries: [TreeEntry] = []
            if prefix.isEmpty {
                try Self.collectFiles(in: root, base: "", repo: repo, into: &entries)
            } else if let entry = try Self.entry(at: prefix, in: root) {
                try Self.collect(entry, path: prefix, repo: repo, into: &entries)
            }
            return entries.sorted { $0.path < $1.path }
        }
    }

    /// Appends the files of `tree`, whose path from the root is `base` ("" or ending in "/").
    private static func collectFiles(in tree: OpaquePointer, base: String, repo: OpaquePointer, into entries: inout [TreeEntry]) throws {
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let path = base + String(cString: git_tree_entry_name(entry))
            let found = PathEntry(id: ObjectID(git_tree_entry_id(entry)), mode: git_tree_entry_filemode(entry))
            try collect(found, path: path, repo: repo, into: &entries)
        }
    }

    /// Appends `entry` if it is a file, or the files below it if it is a directory.
    private static func collect(_ entry: PathEntry, path: String, repo: OpaquePointer, into entries: inout [TreeEntry]) throws {
        if entry.isTree {
            let subtree = try lookupTree(entry.id, in: repo)
            defer { git_tree_free(subtree) }
            try collectFiles(in: subtree, base: path + "/", repo: repo, into: &entries)
        } else if let mode = FileMode(entry.mode) {
            entries.append(TreeEntry(path: path, blob: entry.id, mode: mode))
        }
    }
}

extension FileMode {
    /// The file kind of a tree entry mode; nil for directories and submodules.
    init?(_ mode: git_filemode_t) {
        switch mode {
        case GIT_FILEMODE_BLOB:
            self = .file
        case GIT_FILEMODE_BLOB_EXECUTABLE:
            self = .executable
        case GIT_FILEMODE_LINK:
            self = .symlink
        default:
            return nil
        }
    }
}
