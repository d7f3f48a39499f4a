internal import CLibGit2

/// Process-wide libgit2 state.
enum LibGit2 {
    /// libgit2 must be initialised once before any other call; a `static let` runs its initialiser exactly once,
    /// thread-safely. The reference it takes is never released: the library stays up for the process lifetime.
    private static let initialization: Int32 = {
        let code = git_libgit2_init()
        // libgit2 caches trees only up to 4 KiB by default. A run's steps folder grows past that
        // (two files per step), and every audit commit of the run reads it again: uncached, each read
        // is a parse and, from a pack, a delta chain, which made a long run's commits cost the square of its steps.
        _ = setCacheLimit(GIT_OBJECT_TREE, bytes: 1 << 20)
        return code
    }()

    /// Makes sure `git_libgit2_init()` has run. Every entry point that can reach libgit2 calls this first.
    static func initialize() throws(GitError) {
        try check(initialization, "git_libgit2_init")
    }
}
