internal import CLibGit2

extension Repository {
    /// The files that differ between two commits, sorted by path: added, modified or deleted.
    ///
    /// Subtrees whose ids are equal are skipped without being read, so the cost follows the size
    /// of the change, not of the tree: this is what makes reloading a large wiki after one commit
    /// cheap. No rename detection: a rename is a deletion plus an addition.
    /// - Parameter prefix: a directory (e.g. `"runbooks"`) to compare only that subtree.
    public func changedFiles(from old: ObjectID, to new: ObjectID, under prefix: String = "") throws -> [ChangedFile] {
        let prefix = try RepositoryPath.normalizedPrefix(prefix)
        return try withHandle { repo in
            let oldEntry = try Self.subtreeEntry(prefix, ofCommit: old, in: repo)
            let newEntry = try Self.subtreeEntry(prefix, ofCommit: new, in: repo)
            var changes: [ChangedFile] = []
            try Self.compare(oldEntry, newEntry, path: prefix, repo: repo, into: &changes)
            return changes.sorted { $0.path < $1.path }
        }
    }

    /// The entry at `prefix` in a commit's tree (the root tree itself for ""), nil if absent.
    private static func subtreeEntry(_ prefix: String, ofCommit id: ObjectID, in repo: OpaquePointer) throws -> PathEntry? {
        let commit = try lookupCommit(id, in: repo)
        defer { git_commit_free(commit) }
        guard !prefix.isEmpty else { return PathEntry(id: ObjectID(git_commit_tree_id(commit)), mode: GIT_FILEMODE_TREE) }
        return try entry(at: prefix, inCommit: commit)
    }

    /// Appends the file changes between two entries at the same path (either may be missing).
    private static func compare(_ old: PathEntry?, _ new: PathEntry?, path: String, repo: OpaquePointer, into changes: inout [ChangedFile]) throws {
        guard old != new else { return }
        let oldFile = old.flatMap(file)
        let newFile = new.flatMap(file)
        if oldFile != nil || newFile != nil, oldFile != newFile {
            changes.append(ChangedFile(path: path, blob: newFile?.id))
        }
        let oldChildren = try children(of: old, repo: repo)
        let newChildren = try children(of: new, repo: repo)
        for name in Set(oldChildren.keys).union(newChildren.keys) {
            let child = path.isEmpty ? name : path + "/" + name
            try compare(oldChildren[name], newChildren[name], path: child, repo: repo, into: &changes)
        }
    }

    /// `entry` if it is a file (not a directory or submodule).
    private static func file(_ entry: PathEntry) -> PathEntry? {
        FileMode(entry.mode) == nil ? nil : entry
    }

    /// The entries of a tree by name; empty when `entry` is missing or not a tree.
    private static func children(of entry: PathEntry?, repo: OpaquePointer) throws -> [String: PathEntry] {
        guard let entry, entry.isTree else { return [:] }
        let tree = try lookupTree(entry.id, in: repo)
        defer { git_tree_free(tree) }
        var children: [String: PathEntry] = [:]
        for index in 0..<git_tree_entrycount(tree) {
            guard let child = git_tree_entry_byindex(tree, index) else { continue }
            children[String(cString: git_tree_entry_name(child))] =
                PathEntry(id: ObjectID(git_tree_entry_id(child)), mode: git_tree_entry_filemode(child))
        }
        return children
    }
}
