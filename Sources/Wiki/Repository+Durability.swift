internal import CLibGit2
import Foundation

extension Repository {
    /// Turns fsync of objects, references and the index on or off for the whole process (libgit2's
    /// `GIT_OPT_ENABLE_FSYNC_GITDIR`; off by default). On, a commit reported as done survives a power loss.
    ///
    /// Affects every repository, opened or not. Call it at startup, before writers run.
    public static func setDurableWrites(_ on: Bool) {
        do {
            try LibGit2.initialize()
            try check(LibGit2.setOption(GIT_OPT_ENABLE_FSYNC_GITDIR, on ? 1 : 0), "git_libgit2_opts")
        } catch {
            // libgit2 1.5 cannot fail for this option once initialised; a failure here means a broken installation.
            assertionFailure("\(error)")
        }
    }
}

extension Repository {
    /// Syncs the branch's reference file, and the folder that holds it, to disk.
    ///
    /// libgit2 writes a reference under a lock file and renames it into place; syncing both after
    /// the update makes the move durable without syncing anything else.
    public func syncBranch(_ branch: String) throws {
        let file = gitDirectory + "/" + (try Self.branchReference(branch))
        let descriptor = Foundation.open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw WikiError.syncFailed(path: file, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw WikiError.syncFailed(path: file, reason: String(cString: strerror(errno))) }
        try PackFolder.sync((file as NSString).deletingLastPathComponent)
    }
}

extension LibGit2 {
    /// The C signature of `git_libgit2_opts` as called with one `int` argument after the option.
    private typealias OptionFunction = @convention(c) (Int32, Int32) -> Int32

    /// `git_libgit2_opts` is variadic, which Swift cannot import, so it is looked up by name and called through a
    /// fixed prototype. That matches the variadic calling convention on x86-64 and on Linux arm64 (the platforms this
    /// server runs on), but not on Apple arm64, where variadic arguments go on the stack.
    private static let optionFunction: OptionFunction? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "git_libgit2_opts") else { return nil }
        return unsafeBitCast(symbol, to: OptionFunction.self)
    }()

    /// The signature of `git_libgit2_opts` for `GIT_OPT_SET_CACHE_OBJECT_LIMIT`: a `git_object_t` and a `size_t`.
    private typealias CacheLimitFunction = @convention(c) (Int32, Int32, Int) -> Int32

    /// Sets how large an object of `type` libgit2 keeps in its object cache.
    static func setCacheLimit(_ type: git_object_t, bytes: Int) -> Int32 {
        #if os(Linux) || arch(x86_64)
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "git_libgit2_opts") else { return -1 }
        return unsafeBitCast(symbol, to: CacheLimitFunction.self)(Int32(GIT_OPT_SET_CACHE_OBJECT_LIMIT.rawValue), type.rawValue, bytes)
        #else
        return -1
        #endif
    }

    /// Calls `git_libgit2_opts(option, value)`; -1 with no libgit2 message if the function cannot be called here.
    static func setOption(_ option: git_libgit2_opt_t, _ value: Int32) -> Int32 {
        #if os(Linux) || arch(x86_64)
        return optionFunction?(Int32(option.rawValue), value) ?? -1
        #else
        return -1
        #endif
    }
}
