internal import CLibGit2
import Foundation

extension Repository {
    /// Reads a commit.
    ///
    /// - Throws: a ``GitError`` from `git_commit_lookup` when there is no such commit (code -3).
    public func commit(_ id: ObjectID) throws -> Commit {
        try withHandle { repo in
            let commit = try Self.lookupCommit(id, in: repo)
            defer { git_commit_free(commit) }
            return try Commit(commit)
        }
    }

    /// Reads a blob's bytes.
    ///
    /// - Throws: a ``GitError`` from `git_blob_lookup` when there is no such blob.
    public func readBlob(_ id: ObjectID) throws -> Data {
        try withHandle { repo in
            var blob: OpaquePointer?
            var oid = id.oid
            try check(git_blob_lookup(&blob, repo, &oid), "git_blob_lookup")
            defer { git_blob_free(blob) }
            return Self.contents(of: blob!)
        }
    }

    /// The bytes of a `git_blob *`.
    static func contents(of blob: OpaquePointer) -> Data {
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let bytes = git_blob_rawcontent(blob) else { return Data() }
        return Data(bytes: bytes, count: size)
    }
}
