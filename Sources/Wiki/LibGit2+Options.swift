internal import CLibGit2
import Foundation

extension LibGit2 {
    /// The signature of `git_libgit2_opts` for `GIT_OPT_SET_CACHE_OBJECT_LIMIT`: a `git_object_t` and a `size_t`.
    ///
    /// `git_libgit2_opts` is variadic, which Swift cannot import, so it is looked up by name and called through a
    /// fixed prototype. That matches the variadic calling convention on x86-64 and on Linux arm64 (the platforms this
    /// server runs on), but not on Apple arm64, where variadic arguments go on the stack.
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
}
