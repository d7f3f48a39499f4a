internal import CLibGit2
import Foundation

extension Repository {
    /// Visits the commits reachable from `revision`, newest first: each commit before its parents (on a linear
    /// branch, the audit log, exactly its order; across merges, parents in the order they are reached).
    ///
    /// The walk reads commits as it goes, so stopping early costs only what was read: libgit2's topological order
    /// read the whole history before giving the first commit (a second per call on a 100,000-commit audit branch).
    ///
    /// - Parameters:
    ///   - path: when given (a file or a directory, from the root), visits only commits whose entry at `path`
    ///     differs from that of every parent, like `git log -- path`; a root commit counts when it has the path.
    ///   - since: when given, the walk ends at the first commit made (by its committer's time) before it: a path's
    ///     recent history without reading the whole branch, which on a linear branch (the audit log) is all of it.
    ///   - grep: when given, visits only commits whose message contains it (`git log --grep`, plain text), checked
    ///     before the path: a trailer such as `Incident: INC0000042` rules out most commits without reading a tree.
    ///   - body: returns false to stop. It runs while this repository's lock is held: it may call this repository
    ///     again from the same thread, but other threads using it wait until the walk ends.
    /// - Throws: ``WikiError/revisionNotFound(_:)``, ``WikiError/invalidPath(_:reason:)``, or what `body` throws.
    public func walk(_ revision: String, path: String? = nil, since: Date? = nil, grep: String? = nil,
                     _ body: (Commit) throws -> Bool) throws {
        let path = try path.map { try RepositoryPath.normalizedPrefix($0) }
        try withHandle { repo in
            let start = try resolve(revision)
            var walker: OpaquePointer?
            try check(git_revwalk_new(&walker, repo), "git_revwalk_new")
            defer { git_revwalk_free(walker) }
            // Unsorted: each commit, then its parents as found (git's default order). Lazy, unlike topological order,
            // and unlike time order exact for commits made within one second (commit times are whole seconds).
            try check(git_revwalk_sorting(walker, GIT_SORT_NONE.rawValue), "git_revwalk_sorting")
            var startOID = start.oid
            try check(git_revwalk_push(walker, &startOID), "git_revwalk_push")
            while let id = try Self.next(walker!) {
                let commit = try Self.lookupCommit(id, in: repo)
                defer { git_commit_free(commit) }
                if let since, Double(git_commit_time(commit)) < since.timeIntervalSince1970 { return }
                if let grep, let message = git_commit_message(commit), strstr(message, grep) == nil { continue }
                if let path, !path.isEmpty, try !Self.changes(commit, path) {
                    continue
                }
                guard try body(Commit(commit)) else { return }
            }
        }
    }

    /// Visits the commits in `head`'s history that are not in `base`'s, oldest first (every parent before its
    /// children): what a reader that has seen `base` has yet to read, in the order they were made.
    ///
    /// - Parameters:
    ///   - base: nil to visit `head`'s whole history, from its root commit.
    ///   - body: returns false to stop; runs under this repository's lock, as for ``walk(_:path:_:)``.
    /// - Throws: a ``GitError`` when `head` or `base` is not a commit here, or what `body` throws.
    public func walkForward(after base: ObjectID?, upTo head: ObjectID, _ body: (Commit) throws -> Bool) throws {
        try withHandle { repo in
            try walkForwardIDs(after: base, upTo: head, in: repo) { id in
                let commit = try Self.lookupCommit(id, in: repo)
                defer { git_commit_free(commit) }
                return try body(Commit(commit))
            }
        }
    }

    /// The ids of the commits ``walkForward(after:upTo:_:)`` visits, at most `limit` of them, without reading the commits.
    public func commitIDs(after base: ObjectID?, upTo head: ObjectID, limit: Int) throws -> [ObjectID] {
        var ids: [ObjectID] = []
        try withHandle { repo in
            try walkForwardIDs(after: base, upTo: head, in: repo) { id in
                ids.append(id)
                return ids.count < limit
            }
        }
        return ids
    }

    private func walkForwardIDs(after base: ObjectID?, upTo head: ObjectID, in repo: OpaquePointer, _ body: (ObjectID) throws -> Bool) throws {
        var walker: OpaquePointer?
        try check(git_revwalk_new(&walker, repo), "git_revwalk_new")
        defer { git_revwalk_free(walker) }
        try check(git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue), "git_revwalk_sorting")
        var headOID = head.oid
        try check(git_revwalk_push(walker, &headOID), "git_revwalk_push")
        if let base {
            var baseOID = base.oid
            try check(git_revwalk_hide(walker, &baseOID), "git_revwalk_hide")
        }
        while let id = try Self.next(walker!) {
            guard try body(id) else { return }
        }
    }

    /// The commits ``walk(_:path:_:)`` visits, at most `limit` of them.
    public func history(_ revision: String, path: String? = nil, since: Date? = nil, grep: String? = nil, limit: Int? = nil) throws -> [Commit] {
        var commits: [Commit] = []
        if let limit, limit <= 0 {
            return commits
        }
        try walk(revision, path: path, since: since, grep: grep) { commit in
            commits.append(commit)
            return limit.map { commits.count < $0 } ?? true
        }
        return commits
    }

    /// The next commit of a revision walk, or nil at the end.
    private static func next(_ walker: OpaquePointer) throws(GitError) -> ObjectID? {
        var oid = git_oid()
        let code = git_revwalk_next(&oid, walker)
        if code == GitCode.iterationOver {
            return nil
        }
        try check(code, "git_revwalk_next")
        return ObjectID(oid)
    }

    /// Whether `commit`'s entry at `path` differs from every parent's (for a root commit: whether it exists).
    private static func changes(_ commit: OpaquePointer, _ path: String) throws(GitError) -> Bool {
        let mine = try entry(at: path, inCommit: commit)
        let parentCount = git_commit_parentcount(commit)
        guard parentCount > 0 else { return mine != nil }
        for index in 0..<parentCount {
            var parent: OpaquePointer?
            try check(git_commit_parent(&parent, commit, index), "git_commit_parent")
            defer { git_commit_free(parent) }
            if try entry(at: path, inCommit: parent!) == mine {
                return false
            }
        }
        return true
    }
}
