internal import CLibGit2

/// A libgit2 call failed for a reason this module does not translate into a ``WikiError``.
///
/// Carries the name of the C function that failed, its return code (a `git_error_code`, e.g. -3 for "not found"),
/// the `git_error_t` class and the message libgit2 recorded for the calling thread.
public struct GitError: Error, Sendable, CustomStringConvertible {
    /// The libgit2 function that returned the error, e.g. `"git_commit_lookup"`.
    public let function: String
    /// The negative return code of that function (`GIT_ENOTFOUND` is -3, `GIT_ELOCKED` is -14, …).
    public let code: Int32
    /// libgit2's error class (`git_error_t`), or 0 when libgit2 recorded none.
    public let errorClass: Int32
    /// libgit2's message for the failure.
    public let message: String

    /// Creates an error value; normally only this module does so, from `git_error_last()`.
    public init(function: String, code: Int32, errorClass: Int32, message: String) {
        self.function = function
        self.code = code
        self.errorClass = errorClass
        self.message = message
    }

    /// "git_xxx failed (code -3): <libgit2 message>".
    public var description: String {
        "\(function) failed (code \(code)): \(message)"
    }
}

extension GitError {
    /// Builds an error from the thread's last libgit2 error.
    ///
    /// libgit2 keeps the last error per thread, and the repository lock keeps one call in flight per repository,
    /// so reading it right after the failing call on the same thread gives that call's message.
    static func last(function: String, code: Int32) -> GitError {
        guard let error = git_error_last(), let message = error.pointee.message else {
            return GitError(function: function, code: code, errorClass: 0, message: "no message from libgit2")
        }
        return GitError(function: function, code: code, errorClass: error.pointee.klass, message: String(cString: message))
    }
}

/// Checks the return code of a libgit2 call: the one place where libgit2 failures become Swift errors.
///
/// - Returns: the code when it is not an error (some functions return counts or booleans).
@discardableResult
func check(_ code: Int32, _ function: String) throws(GitError) -> Int32 {
    guard code < 0 else { return code }
    throw GitError.last(function: function, code: code)
}

/// Named libgit2 return codes, as `Int32` so they compare directly with what the C functions return.
enum GitCode {
    static let notFound = GIT_ENOTFOUND.rawValue
    static let exists = GIT_EEXISTS.rawValue
    static let invalidSpec = GIT_EINVALIDSPEC.rawValue
    static let modified = GIT_EMODIFIED.rawValue
    static let locked = GIT_ELOCKED.rawValue
    static let peel = GIT_EPEEL.rawValue
    static let iterationOver = GIT_ITEROVER.rawValue
}
