import Foundation

/// Failures of wiki operations that callers are expected to handle (as opposed to ``GitError``, which reports
/// libgit2 failing underneath).
public enum WikiError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path is neither a git work tree nor a git directory. Parent directories are not searched.
    case notARepository(path: String)
    /// The revision (branch, tag, sha, `main~2`, …) does not name a commit.
    case revisionNotFound(String)
    /// The path does not exist at that commit, or it is a directory.
    case fileNotFound(path: String, commit: ObjectID)
    /// Compare-and-swap failure: the branch was not where the writer expected it (`nil` meaning "does not exist").
    /// Another writer got there first; re-read the branch head and retry.
    case branchMoved(branch: String, expected: ObjectID?, actual: ObjectID?)
    /// A path in the repository is malformed or unusable (empty, absolute, `..`, `.git`, NUL, missing, …).
    case invalidPath(String, reason: String)
    /// `refs/heads/<name>` is not a valid git reference name.
    case invalidBranchName(String)
    /// A full reference name (`refs/...`) is not valid, or not under `refs/`.
    case invalidReferenceName(String)
    /// The commit message or its trailers cannot be written as given (empty message, bad trailer key or value).
    case invalidCommitMessage(reason: String)
    /// A commit the caller had seen on the branch is no longer in its history: someone rewrote it.
    case historyRewritten(branch: String, missing: ObjectID)
    /// The writer lock file could not be opened or locked.
    case lockFailed(path: String, reason: String)
    /// The kernel would not watch a folder of the repository for moved branches (inotify).
    case watchFailed(path: String, reason: String)
    /// Syncing the repository to disk failed; what was written may not survive a crash.
    case syncFailed(path: String, reason: String)
    /// A pack of buffered objects could not be built.
    case packWriteFailed(reason: String)
    /// The file system holding `path` is full (or the user's quota is spent): the write did not happen.
    case noSpace(path: String)
    /// An anchor file (``AuditAnchor``) cannot be read or written.
    case unreadableAnchor(path: String, reason: String)
    /// The branch no longer holds the head recorded in the anchor file `anchor` (or is gone): a writer refuses it.
    case anchorNotInHistory(branch: String, missing: ObjectID, anchor: String)
    /// The intake journal at `path` cannot be committed as it is (``AuditJournal``): nothing is written until a person
    /// looks, since its entries were acknowledged.
    case journalDamaged(path: String, reason: String)

    /// The failure of a file operation (`action`: create, write, sync ...) on `path`, from `errno`: ``noSpace(path:)``
    /// when the file system is full or the quota spent, else ``syncFailed(path:reason:)``.
    static func fileFailure(_ action: String, _ path: String) -> WikiError {
        if errno == ENOSPC || errno == EDQUOT { return .noSpace(path: path) }
        return .syncFailed(path: path, reason: "\(action): \(String(cString: strerror(errno)))")
    }

    /// A sentence for a person reading logs or the CLI's output.
    public var description: String {
        switch self {
        case .notARepository(let path):
            return "\(path) is not a git repository (run `runbook init PATH` to create one)"
        case .revisionNotFound(let revision):
            return "revision '\(revision)' not found"
        case .fileNotFound(let path, let commit):
            return "file '\(path)' not found at commit \(commit.short)"
        case .branchMoved(let branch, let expected, let actual):
            return "branch '\(branch)' moved: expected \(Self.describe(expected)), found \(Self.describe(actual))"
        case .invalidPath(let path, let reason):
            return "invalid path '\(path)': \(reason)"
        case .invalidBranchName(let name):
            return "invalid branch name '\(name)'"
        case .invalidReferenceName(let name):
            return "invalid reference name '\(name)' (expected a full name like refs/runbook/verified/audit)"
        case .invalidCommitMessage(let reason):
            return "invalid commit message: \(reason)"
        case .historyRewritten(let branch, let missing):
            return "the history of branch '\(branch)' was rewritten: commit \(missing.short), seen on it before, is no longer there"
        case .lockFailed(let path, let reason):
            return "cannot lock \(path): \(reason)"
        case .watchFailed(let path, let reason):
            return "cannot watch \(path) for moved branches: \(reason) (raise fs.inotify.max_user_instances or max_user_watches)"
        case .syncFailed(let path, let reason):
            return "cannot sync \(path) to disk: \(reason)"
        case .packWriteFailed(let reason):
            return "cannot write a pack of the audit log's objects: \(reason)"
        case .noSpace(let path):
            return "no space left on the file system of \(path): nothing of this write was recorded (what was acknowledged "
                + "before is intact); free space and send it again"
        case .unreadableAnchor(let path, let reason):
            return "audit anchor \(path): \(reason)"
        case .anchorNotInHistory(let branch, let missing, let anchor):
            return "the \(branch) branch no longer holds \(missing.short), the head recorded in \(anchor): its history was rewritten, "
                + "or the repository was replaced or the branch deleted; nothing is written on it. Run `runbook audit verify`; "
                + "if the repository was replaced on purpose, remove \(anchor) (docs/audit.md, \"After a rewrite\")"
        case .journalDamaged(let path, let reason):
            return "the audit journal \(path) cannot be committed: \(reason); its entries were acknowledged, so nothing is written "
                + "until it is looked at (docs/audit.md, \"The intake journal\")"
        }
    }

    private static func describe(_ id: ObjectID?) -> String {
        id.map(\.short) ?? "no branch"
    }
}
