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
    /// Flushes everything written to the repository's file system to disk (`syncfs`).
    ///
    /// One call covers every object and reference written before it, however many: the audit log
    /// calls it once per batch of commits instead of fsyncing each file (group commit).
    public func syncToDisk() throws {
        let descriptor = Foundation.open(gitDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw WikiError.syncFailed(path: gitDirectory, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        guard Self.syncFileSystem(descriptor) == 0 else {
            throw WikiError.syncFailed(path: gitDirectory, reason: String(cString: strerror(errno)))
        }
    }

    /// `syncfs(2)`: Glibc declares it only under `_GNU_SOURCE`, which Swift's Glibc module does not
    /// set, so it is looked up by name; where it is missing, `sync(2)` flushes every file system.
    private static let syncFileSystem: @Sendable (Int32) -> Int32 = {
        typealias SyncFS = @convention(c) (Int32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "syncfs") else {
            return { _ in sync(); return 0 }
        }
        let function = unsafeBitCast(symbol, to: SyncFS.self)
        return { function($0) }
    }()
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
