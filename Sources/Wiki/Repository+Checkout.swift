internal import CLibGit2

extension Repository {
    /// Makes the work tree and index match HEAD's commit, overwriting what is there.
    ///
    /// The one operation of this module that touches a work tree: `runbook init` uses it so a
    /// new wiki is checked out and a person can edit and commit right away. Everything else
    /// commits through the object database only. Does nothing in a bare repository.
    public func checkOutHead() throws {
        guard !isBare else { return }
        try withHandle { repo in
            var options = git_checkout_options()
            try check(git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)), "git_checkout_options_init")
            options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue
            try check(git_checkout_head(repo, &options), "git_checkout_head")
        }
    }
}
