internal import CLibGit2
import Foundation

extension Repository {
    /// Commits `changes` on top of `expectedParent` and moves `branch` to the new commit, if and only if the branch
    /// still points to `expectedParent` (compare-and-swap).
    ///
    /// Everything happens in the object database: the work tree and the index of a non-bare repository are never
    /// read or written, even when `branch` is checked out (git then shows the new commit's changes as reverted in
    /// the work tree, as after any push to a checked-out branch).
    ///
    /// - Parameters:
    ///   - changes: applied to the parent's tree (an empty tree when `expectedParent` is nil). Paths are from the
    ///     root, `/`-separated; each path appears at most once; a deleted path must exist and be a file; a written
    ///     path must not be a directory in the parent, and none of its parent directories may be a file there.
    ///     Empty `changes` make a commit with the parent's tree.
    ///   - branch: short name; `refs/heads/<branch>` is updated, with reflog message `runbook: <summary>`.
    ///   - expectedParent: the commit the branch must point to now; nil means the branch must not exist yet
    ///     (the first commit of a new or orphan branch, which gets no parent).
    ///   - committer: defaults to `author`.
    ///   - message: must not be blank; trailing whitespace is dropped.
    ///   - trailers: appended after a blank line as `Key: value` lines (see ``Trailer`` for the rules).
    /// - Returns: the new commit's id.
    /// - Throws: ``WikiError/branchMoved(branch:expected:actual:)`` when another writer moved the branch first
    ///   (re-read the head and retry); ``WikiError/invalidPath(_:reason:)``, ``WikiError/invalidBranchName(_:)``,
    ///   ``WikiError/invalidCommitMessage(reason:)``, ``WikiError/revisionNotFound(_:)`` when `expectedParent` is
    ///   not a commit here; ``GitError`` otherwise (e.g. code -14, `GIT_ELOCKED`, when another process holds the
    ///   branch's lock file at that instant).
    @discardableResult
    public func commit(
        changes: [FileChange], to branch: String, expectedParent: ObjectID?, author: Signature, committer: Signature? = nil,
        message: String, trailers: [Trailer] = []
    ) throws -> ObjectID {
        let reference = try Self.branchReference(branch)
        let reflog = try "runbook: \(CommitMessage.summary(of: CommitMessage.compose(message, trailers: trailers)))"
        return try withHandle { repo in
            let commit = try writeCommit(
                changes: changes, parent: expectedParent, author: author, committer: committer, message: message, trailers: trailers)
            try moveBranch(branch, reference: reference, to: commit, expected: expectedParent, reflog: reflog, in: repo)
            return commit
        }
    }

    /// Writes a commit of `changes` on top of `parent` to the object database without moving any branch.
    ///
    /// The building block of group commit: an appender writes several commits in a chain, makes them
    /// durable together, then publishes the last with ``moveBranch(_:to:expected:)``. Objects of a
    /// commit that is never published are unreachable and removed by `git gc`.
    /// Parameters and errors as for ``commit(changes:to:expectedParent:author:committer:message:trailers:)``.
    /// With a `signer`, the commit carries its signature (see ``CommitSigner``).
    public func writeCommit(
        changes: [FileChange], parent: ObjectID?, author: Signature, committer: Signature? = nil, message: String,
        trailers: [Trailer] = [], signer: (any CommitSigner)? = nil
    ) throws -> ObjectID {
        let fullMessage = try CommitMessage.compose(message, trailers: trailers)
        try Self.validate(changes)
        return try withHandle { repo in
            let parentCommit = try parent.map { id in try Self.lookupParent(id, in: repo) }
            defer { git_commit_free(parentCommit) }
            let baseline = try parentCommit.map { commit in try Self.rootTree(of: commit) } ?? Self.emptyTree(in: repo)
            defer { git_tree_free(baseline) }
            try Self.checkApplicable(changes, to: baseline)
            if memoryPack != nil {
                return try writeBufferedCommit(
                    changes: changes, baseline: baseline, parent: parentCommit, author: author, committer: committer ?? author,
                    message: fullMessage, signer: signer, in: repo)
            }
            let tree = try Self.updatedTree(baseline, applying: changes, in: repo)
            return try Self.createCommit(
                tree: tree, parent: parentCommit, author: author, committer: committer ?? author, message: fullMessage, signer: signer,
                in: repo)
        }
    }

    /// Points `branch` at `commit` if it still points at `expected` (or does not exist, when `expected` is nil).
    ///
    /// - Throws: ``WikiError/branchMoved(branch:expected:actual:)`` when another writer moved it first;
    ///   ``WikiError/invalidBranchName(_:)``; ``GitError`` otherwise (code -14, `GIT_ELOCKED`, while another
    ///   process holds the branch's lock file).
    public func moveBranch(_ branch: String, to commit: ObjectID, expected: ObjectID?) throws {
        let reference = try Self.branchReference(branch)
        let summary = try self.commit(commit).summary
        try withHandle { repo in
            try moveBranch(branch, reference: reference, to: commit, expected: expected, reflog: "runbook: \(summary)", in: repo)
        }
    }

    // MARK: - Validation

    /// Checks what can be checked without the repository: each path well-formed, used once, and no path written
    /// as a file while another change treats it as a directory.
    private static func validate(_ changes: [FileChange]) throws(WikiError) {
        var paths = Set<String>()
        for change in changes {
            try RepositoryPath.validate(change.path)
            guard paths.insert(change.path).inserted else {
                // libgit2 leaves two updates of one path undefined.
                throw WikiError.invalidPath(change.path, reason: "the path is changed more than once")
            }
        }
        for change in changes {
            if let ancestor = RepositoryPath.ancestors(of: change.path).first(where: paths.contains) {
                throw WikiError.invalidPath(change.path, reason: "'\(ancestor)' is changed as a file in the same commit")
            }
        }
    }

    /// Checks the changes against the parent's tree, because `git_tree_create_updated` does not support turning a
    /// file into a directory or back, and silently ignores removing a path that does not exist.
    private static func checkApplicable(_ changes: [FileChange], to baseline: OpaquePointer) throws {
        for change in changes {
            let existing = try entry(at: change.path, in: baseline)
            switch change {
            case .delete(let path):
                guard let existing else { throw WikiError.invalidPath(path, reason: "the file does not exist in the parent commit") }
                guard !existing.isTree else { throw WikiError.invalidPath(path, reason: "the path is a directory, not a file") }
            case .write(let path, _, _):
                if existing?.isTree == true {
                    throw WikiError.invalidPath(path, reason: "the path is a directory in the parent commit")
                }
                for ancestor in RepositoryPath.ancestors(of: path) {
                    if let entry = try entry(at: ancestor, in: baseline), !entry.isTree {
                        throw WikiError.invalidPath(path, reason: "'\(ancestor)' is a file in the parent commit")
                    }
                }
            }
        }
    }

    // MARK: - Objects

    /// The expected parent as a `git_commit *`; a missing commit is a caller error, not a libgit2 one.
    private static func lookupParent(_ id: ObjectID, in repo: OpaquePointer) throws -> OpaquePointer {
        do {
            return try lookupCommit(id, in: repo)
        } catch where error.code == GitCode.notFound {
            throw WikiError.revisionNotFound(id.hex)
        }
    }

    /// A `git_tree *` for the empty tree (written to the object database if needed), the baseline of root commits.
    private static func emptyTree(in repo: OpaquePointer) throws(GitError) -> OpaquePointer {
        var builder: OpaquePointer?
        try check(git_treebuilder_new(&builder, repo, nil), "git_treebuilder_new")
        defer { git_treebuilder_free(builder) }
        var oid = git_oid()
        try check(git_treebuilder_write(&oid, builder), "git_treebuilder_write")
        return try lookupTree(ObjectID(oid), in: repo)
    }

    /// Writes the blobs of `changes` and the tree that results from applying them to `baseline`.
    private static func updatedTree(_ baseline: OpaquePointer, applying changes: [FileChange], in repo: OpaquePointer) throws -> ObjectID {
        // The updates point at C strings, which must outlive the git_tree_create_updated call.
        let paths = changes.map { strdup($0.path) }
        defer { paths.forEach { free($0) } }
        var updates: [git_tree_update] = []
        for (change, path) in zip(changes, paths) {
            updates.append(try update(for: change, path: path, in: repo))
        }
        var oid = git_oid()
        try check(git_tree_create_updated(&oid, repo, baseline, updates.count, updates), "git_tree_create_updated")
        return ObjectID(oid)
    }

    /// The tree update for one change, writing the blob of a `.write`.
    private static func update(
        for change: FileChange, path: UnsafeMutablePointer<CChar>?, in repo: OpaquePointer
    ) throws(GitError) -> git_tree_update {
        switch change {
        case .write(_, let contents, let executable):
            let blob = try createBlob(contents, in: repo)
            let mode = executable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB
            return git_tree_update(action: GIT_TREE_UPDATE_UPSERT, id: blob.oid, filemode: mode, path: path)
        case .delete:
            return git_tree_update(action: GIT_TREE_UPDATE_REMOVE, id: git_oid(), filemode: GIT_FILEMODE_BLOB, path: path)
        }
    }

    /// Writes `contents` as a blob.
    private static func createBlob(_ contents: Data, in repo: OpaquePointer) throws(GitError) -> ObjectID {
        var oid = git_oid()
        let code = contents.withUnsafeBytes { bytes in
            // Empty Data may have no base address; libgit2 wants a pointer even for zero bytes.
            withUnsafeBytes(of: UInt8(0)) { empty in
                git_blob_create_from_buffer(&oid, repo, bytes.baseAddress ?? empty.baseAddress, bytes.count)
            }
        }
        try check(code, "git_blob_create_from_buffer")
        return ObjectID(oid)
    }

    /// Writes the commit object without touching any reference (the branch moves separately, compare-and-swap).
    private static func createCommit(
        tree: ObjectID, parent: OpaquePointer?, author: Signature, committer: Signature, message: String, signer: (any CommitSigner)?,
        in repo: OpaquePointer
    ) throws -> ObjectID {
        let treeObject = try lookupTree(tree, in: repo)
        defer { git_tree_free(treeObject) }
        var parents: [OpaquePointer?] = parent.map { [$0] } ?? []
        var oid = git_oid()
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try author.withGitSignature { authorSignature in
            try committer.withGitSignature { committerSignature in
                if signer == nil {
                    try check(
                        git_commit_create(&oid, repo, nil, authorSignature, committerSignature, nil, message, treeObject, parents.count, &parents),
                        "git_commit_create")
                } else {
                    try check(git_commit_create_buffer(&buffer, repo, authorSignature, committerSignature, nil, message, treeObject,
                                                       parents.count, &parents), "git_commit_create_buffer")
                }
            }
        }
        guard let signer else { return ObjectID(oid) }
        let signed = try Self.signed(UnsafeRawBufferPointer(start: buffer.ptr, count: buffer.size), with: signer)
        _ = try signed.withUnsafeBytes { bytes in
            try check(writeRawCommit(&oid, repo, bytes), "git_odb_write")
        }
        return ObjectID(oid)
    }

    /// Writes a commit object's bytes as they are.
    private static func writeRawCommit(_ oid: inout git_oid, _ repo: OpaquePointer, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, repo) == 0 else { return -1 }
        defer { git_odb_free(odb) }
        return git_odb_write(&oid, odb, bytes.baseAddress, bytes.count, GIT_OBJECT_COMMIT)
    }

    // MARK: - Compare-and-swap

    /// Points `reference` at `commit` if it currently points at `expected` (or does not exist, when `expected` is nil).
    ///
    /// libgit2 checks the old value under the reference's lock file, so this is atomic across instances and
    /// processes using the files backend.
    private func moveBranch(
        _ branch: String, reference: String, to commit: ObjectID, expected: ObjectID?, reflog: String, in repo: OpaquePointer
    ) throws {
        var newOID = commit.oid
        var created: OpaquePointer?
        let code: Int32
        let function: String
        if let expected {
            var currentOID = expected.oid
            code = git_reference_create_matching(&created, repo, reference, &newOID, 1, &currentOID, reflog)
            function = "git_reference_create_matching"
        } else {
            code = git_reference_create(&created, repo, reference, &newOID, 0, reflog)
            function = "git_reference_create"
        }
        git_reference_free(created)
        if code == GitCode.modified || code == GitCode.exists || code == GitCode.notFound {
            throw WikiError.branchMoved(branch: branch, expected: expected, actual: try branchHead(branch))
        }
        try check(code, function)
    }
}
