internal import CLibGit2

/// A commit, read into Swift values (no live reference to libgit2).
public struct Commit: Sendable, Equatable {
    /// The commit's own id.
    public let id: ObjectID
    /// The root tree.
    public let tree: ObjectID
    /// Parent commits, first parent first; empty for a root commit.
    public let parents: [ObjectID]
    /// Who wrote the change.
    public let author: Signature
    /// Who committed it.
    public let committer: Signature
    /// The full message, trailers included.
    public let message: String
    /// The first line of the message.
    public let summary: String
    /// Trailers parsed from the message's last paragraph (the same rules as git).
    public let trailers: [Trailer]

    /// Creates a commit value; for tests and fakes. Real commits come from ``Repository/commit(_:)``.
    public init(
        id: ObjectID, tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature,
        message: String, summary: String, trailers: [Trailer]
    ) {
        self.id = id
        self.tree = tree
        self.parents = parents
        self.author = author
        self.committer = committer
        self.message = message
        self.summary = summary
        self.trailers = trailers
    }
}

extension Commit {
    /// Copies everything out of a `git_commit`; the caller still owns and frees it.
    init(_ commit: OpaquePointer) throws(GitError) {
        let message = git_commit_message(commit).map { String(cString: $0) } ?? ""
        self.init(
            id: ObjectID(git_commit_id(commit)),
            tree: ObjectID(git_commit_tree_id(commit)),
            parents: (0..<git_commit_parentcount(commit)).map { ObjectID(git_commit_parent_id(commit, $0)) },
            author: Signature(git_commit_author(commit)),
            committer: Signature(git_commit_committer(commit)),
            message: message,
            summary: git_commit_summary(commit).map { String(cString: $0) } ?? "",
            trailers: try Trailer.parse(message)
        )
    }
}
