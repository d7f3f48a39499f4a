internal import CLibGit2

extension Repository {
    /// Whether `ancestor` is `descendant` itself or in its history: whether a branch that was at `ancestor` and is
    /// now at `descendant` only moved forward.
    ///
    /// An `ancestor` that is not in the object database at all is not an ancestor.
    /// - Throws: a ``GitError`` when `descendant` is not a commit here.
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws -> Bool {
        guard ancestor != descendant else { return true }
        return try withHandle { repo in
            try Self.requireCommit(descendant, in: repo)
            // libgit2 reports a missing commit as a generic error, so it is looked for first.
            guard try Self.commitExists(ancestor, in: repo) else { return false }
            var descendantOID = descendant.oid
            var ancestorOID = ancestor.oid
            return try check(git_graph_descendant_of(repo, &descendantOID, &ancestorOID), "git_graph_descendant_of") == 1
        }
    }

    /// The best common ancestor of two commits (where their histories diverged), or nil when they share none.
    public func mergeBase(_ one: ObjectID, _ other: ObjectID) throws -> ObjectID? {
        try withHandle { repo in
            var base = git_oid()
            var oneOID = one.oid
            var otherOID = other.oid
            let code = git_merge_base(&base, repo, &oneOID, &otherOID)
            if code == GitCode.notFound {
                return nil
            }
            try check(code, "git_merge_base")
            return ObjectID(base)
        }
    }

    /// How many commits `head` has that `base` does not (how far a copy at `base` lags behind `head`); every commit
    /// of `head`'s history when `base` is nil or not here.
    public func commitsAhead(of base: ObjectID?, to head: ObjectID) throws -> Int {
        guard base != head else { return 0 }
        return try withHandle { repo in
            guard let base, try Self.commitExists(base, in: repo) else { return try Self.countAll(head, in: repo) }
            var ahead = 0
            var behind = 0
            var headOID = head.oid
            var baseOID = base.oid
            try check(git_graph_ahead_behind(&ahead, &behind, repo, &headOID, &baseOID), "git_graph_ahead_behind")
            return ahead
        }
    }

    /// The commits in `head`'s history, itself included.
    private static func countAll(_ head: ObjectID, in repo: OpaquePointer) throws -> Int {
        var walker: OpaquePointer?
        try check(git_revwalk_new(&walker, repo), "git_revwalk_new")
        defer { git_revwalk_free(walker) }
        var oid = head.oid
        try check(git_revwalk_push(walker, &oid), "git_revwalk_push")
        var count = 0
        var next = git_oid()
        while git_revwalk_next(&next, walker) == 0 { count += 1 }
        return count
    }

    /// Throws unless commit `id` can be read.
    private static func requireCommit(_ id: ObjectID, in repo: OpaquePointer) throws(GitError) {
        let commit = try lookupCommit(id, in: repo)
        git_commit_free(commit)
    }

    /// Whether commit `id` is in the object database.
    private static func commitExists(_ id: ObjectID, in repo: OpaquePointer) throws(GitError) -> Bool {
        var commit: OpaquePointer?
        var oid = id.oid
        let code = git_commit_lookup(&commit, repo, &oid)
        defer { git_commit_free(commit) }
        if code == GitCode.notFound {
            return false
        }
        try check(code, "git_commit_lookup")
        return true
    }
}
