internal import CLibGit2
import Foundation

/// Who made a commit and when (git's author or committer line).
///
/// git stores whole seconds, so the initialiser drops sub-second precision: a signature read back from a commit
/// then compares equal to the one written. Times are written with a UTC offset of +0000.
public struct Signature: Sendable, Equatable {
    /// Display name; must not be empty or contain `<` or `>` (libgit2 rejects those when committing).
    public var name: String
    /// E-mail address, without angle brackets; must not be empty.
    public var email: String
    /// When; whole seconds.
    public var time: Date

    /// Creates a signature; `time` defaults to now and is truncated to whole seconds.
    public init(name: String, email: String, time: Date = Date()) {
        self.name = name
        self.email = email
        self.time = Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))
    }
}

extension Signature {
    /// Converts a libgit2 signature owned by some C object; copies everything.
    init(_ signature: UnsafePointer<git_signature>) {
        let value = signature.pointee
        self.init(
            name: value.name.map { String(cString: $0) } ?? "",
            email: value.email.map { String(cString: $0) } ?? "",
            time: Date(timeIntervalSince1970: TimeInterval(value.when.time))
        )
    }

    /// Lends a libgit2 copy of this signature to `body`, freeing it afterwards.
    @discardableResult
    func withGitSignature<Result>(_ body: (UnsafeMutablePointer<git_signature>) throws -> Result) throws -> Result {
        var signature: UnsafeMutablePointer<git_signature>?
        let seconds = git_time_t(time.timeIntervalSince1970.rounded(.down))
        try check(git_signature_new(&signature, name, email, seconds, 0), "git_signature_new")
        defer { git_signature_free(signature) }
        return try body(signature!)
    }
}
