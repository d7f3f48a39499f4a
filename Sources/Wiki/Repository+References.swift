internal import CLibGit2

extension Repository {
    /// The short name of the branch HEAD points to, even when that branch has no commit yet; nil when HEAD is
    /// detached.
    public func currentBranch() throws -> String? {
        try withHandle { repo in
            var head: OpaquePointer?
            try check(git_reference_lookup(&head, repo, "HEAD"), "git_reference_lookup")
            defer { git_reference_free(head) }
            guard git_reference_type(head) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(head) else {
                return nil
            }
            let name = String(cString: target)
            return name.hasPrefix("refs/heads/") ? String(name.dropFirst("refs/heads/".count)) : name
        }
    }

    /// Resolves any revision git understands (branch, tag, full or abbreviated sha, `main~2`, …) to a commit.
    ///
    /// Tags are peeled to the commit they point to.
    /// - Throws: ``WikiError/revisionNotFound(_:)`` when it names nothing, nothing valid, or not a commit.
    public func resolve(_ revision: String) throws -> ObjectID {
        try withHandle { repo in
            var object: OpaquePointer?
            let code = git_revparse_single(&object, repo, revision)
            defer { git_object_free(object) }
            if code == GitCode.notFound || code == GitCode.invalidSpec {
                throw WikiError.revisionNotFound(revision)
            }
            try check(code, "git_revparse_single")
            var commit: OpaquePointer?
            let peeled = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
            defer { git_object_free(commit) }
            if peeled == GitCode.peel || peeled == GitCode.invalidSpec || peeled == GitCode.notFound {
                throw WikiError.revisionNotFound(revision)
            }
            try check(peeled, "git_object_peel")
            return ObjectID(git_object_id(commit))
        }
    }

    /// The commit `refs/heads/<branch>` points to, or nil when the branch does not exist.
    ///
    /// - Throws: ``WikiError/invalidBranchName(_:)``.
    public func branchHead(_ branch: String) throws -> ObjectID? {
        let name = try Self.branchReference(branch)
        return try withHandle { repo in
            var oid = git_oid()
            let code = git_reference_name_to_id(&oid, repo, name)
            if code == GitCode.notFound {
                return nil
            }
            try check(code, "git_reference_name_to_id")
            return ObjectID(oid)
        }
    }
}
