internal import CLibGit2

/// Process-wide libgit2 state.
enum LibGit2 {
    /// libgit2 must be initialised once before any other call; a `static let` runs its initialiser exactly once,
    /// thread-safely. The reference it takes is never released: the library stays up for the process lifetime.
    private static let initialization: Int32 = git_libgit2_init()

    /// Makes sure `git_libgit2_init()` has run. Every entry point that can reach libgit2 calls this first.
    static func initialize() throws(GitError) {
        try check(initialization, "git_libgit2_init")
    }
}
