internal import CLibGit2
import Foundation

/// A git repository used as the wiki's storage: runbooks are read from its branches and events are committed to it
/// without ever touching a work tree or index.
///
/// A libgit2 repository handle is not safe for concurrent use, so every call takes an internal lock; one instance can
/// be shared between tasks and threads. Separate instances (or processes) on the same path are safe too: branch
/// updates are compare-and-swap (see ``commit(changes:to:expectedParent:author:committer:message:trailers:)``).
public final class Repository: @unchecked Sendable {
    /// The `git_repository *`; only touched while `lock` is held.
    private let handle: OpaquePointer
    /// Recursive, because ``walk(_:path:_:)`` runs the caller's closure under the lock and that closure may read
    /// from the same repository.
    private let lock = NSRecursiveLock()

    /// The in-memory object backend (a `git_odb_backend *`) once ``bufferObjectsInMemory()`` ran;
    /// owned by libgit2's object database. Only touched while `lock` is held.
    var memoryPack: UnsafeMutablePointer<git_odb_backend>?
    /// Packs written by ``writeBufferedObjects()``, to be merged as they pile up; only touched while `lock` is held.
    var packShelf = PackShelf()
    /// The packs being merged on other threads; only touched while `lock` is held.
    var mergesInFlight: Set<String> = []
    /// Merges done on their threads, to be put in place by the next write; only touched while `lock` is held.
    var finishedMerges: [FinishedMerge] = []
    /// The objects buffered since the last pack; only touched while `lock` is held.
    var bufferedObjects: [ObjectID] = []
    /// Trees recently read or written by buffered commits, so the next commit of a chain changes
    /// them without parsing them again; only touched while `lock` is held.
    var treeCache: [ObjectID: RawTree] = [:]

    /// The git directory (`…/.git` for a work tree, the repository itself when bare), without trailing slash.
    public let gitDirectory: String

    /// ``gitDirectory`` with symbolic links resolved: one name per repository, for records kept about it elsewhere.
    public var canonicalGitDirectory: String {
        URL(fileURLWithPath: gitDirectory).resolvingSymlinksInPath().standardizedFileURL.path
    }
    /// The work tree's directory without trailing slash, or nil for a bare repository.
    public let workTree: String?

    /// Whether the repository has no work tree.
    public var isBare: Bool {
        workTree == nil
    }

    private init(handle: OpaquePointer) {
        self.handle = handle
        gitDirectory = Self.trimmingSlash(String(cString: git_repository_path(handle)))
        workTree = git_repository_workdir(handle).map { Self.trimmingSlash(String(cString: $0)) }
    }

    deinit {
        git_repository_free(handle)
    }

    /// Opens the repository at `path`, which may be a work tree, its `.git` directory or a bare repository.
    ///
    /// Parent directories are not searched: a directory inside a work tree is not a repository.
    /// - Throws: ``WikiError/notARepository(path:)`` when `path` is not one (including when it does not exist).
    public static func open(_ path: String) throws -> Repository {
        try LibGit2.initialize()
        var handle: OpaquePointer?
        let code = git_repository_open_ext(&handle, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        if code == GitCode.notFound {
            throw WikiError.notARepository(path: path)
        }
        try check(code, "git_repository_open_ext")
        return Repository(handle: handle!)
    }

    /// Creates a new repository at `path`, creating missing directories, with HEAD on the unborn `initialBranch`.
    ///
    /// A non-bare repository gets its git directory at `path/.git`.
    /// - Throws: ``WikiError/invalidBranchName(_:)``; a ``GitError`` from `git_repository_init_ext` (code -4,
    ///   `GIT_EEXISTS`) when a repository already exists there.
    public static func create(at path: String, bare: Bool = false, initialBranch: String = "main") throws -> Repository {
        try LibGit2.initialize()
        _ = try branchReference(initialBranch)
        var options = git_repository_init_options()
        try check(git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)),
                  "git_repository_init_options_init")
        options.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue | GIT_REPOSITORY_INIT_NO_REINIT.rawValue
        if bare {
            options.flags |= GIT_REPOSITORY_INIT_BARE.rawValue
        }
        var handle: OpaquePointer?
        try initialBranch.withCString { head in
            options.initial_head = head
            try check(git_repository_init_ext(&handle, path, &options), "git_repository_init_ext")
        }
        return Repository(handle: handle!)
    }

    /// Runs `body` with the libgit2 handle while holding the lock; the only way to reach the handle.
    func withHandle<Result>(_ body: (OpaquePointer) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(handle)
    }

    /// `refs/heads/<branch>`, after checking that it is a valid reference name.
    static func branchReference(_ branch: String) throws -> String {
        let name = "refs/heads/\(branch)"
        var valid: Int32 = 0
        try check(git_reference_name_is_valid(&valid, name), "git_reference_name_is_valid")
        guard valid == 1, !branch.isEmpty else { throw WikiError.invalidBranchName(branch) }
        return name
    }

    private static func trimmingSlash(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
