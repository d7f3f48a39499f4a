internal import CLibGit2

/// What a tree holds at some path, copied out of libgit2.
struct PathEntry: Equatable {
    let id: ObjectID
    let mode: git_filemode_t

    var isTree: Bool {
        mode == GIT_FILEMODE_TREE
    }
}

/// Lookups shared by the reading and writing code. They take the handle of a repository whose lock the caller holds;
/// returned C objects belong to the caller, who frees them in the same scope.
extension Repository {
    /// A `git_commit *`, freed with `git_commit_free`.
    static func lookupCommit(_ id: ObjectID, in repo: OpaquePointer) throws(GitError) -> OpaquePointer {
        var commit: OpaquePointer?
        var oid = id.oid
        try check(git_commit_lookup(&commit, repo, &oid), "git_commit_lookup")
        return commit!
    }

    /// A `git_tree *` for a tree id, freed with `git_tree_free`.
    static func lookupTree(_ id: ObjectID, in repo: OpaquePointer) throws(GitError) -> OpaquePointer {
        var tree: OpaquePointer?
        var oid = id.oid
        try check(git_tree_lookup(&tree, repo, &oid), "git_tree_lookup")
        return tree!
    }

    /// The root `git_tree *` of a commit, freed with `git_tree_free`.
    static func rootTree(of commit: OpaquePointer) throws(GitError) -> OpaquePointer {
        var tree: OpaquePointer?
        try check(git_commit_tree(&tree, commit), "git_commit_tree")
        return tree!
    }

    /// What `tree` holds at `path` (a file or a directory), or nil when nothing is there.
    static func entry(at path: String, in tree: OpaquePointer) throws(GitError) -> PathEntry? {
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, tree, path)
        if code == GitCode.notFound {
            return nil
        }
        try check(code, "git_tree_entry_bypath")
        defer { git_tree_entry_free(entry) }
        return PathEntry(id: ObjectID(git_tree_entry_id(entry)), mode: git_tree_entry_filemode(entry))
    }

    /// What the root tree of commit `id` holds at `path`.
    static func entry(at path: String, inCommit commit: OpaquePointer) throws(GitError) -> PathEntry? {
        let tree = try rootTree(of: commit)
        defer { git_tree_free(tree) }
        return try entry(at: path, in: tree)
    }
}
