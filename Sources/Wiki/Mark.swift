internal import CLibGit2
import Foundation

/// A commit marked by a reference of the program's own (`refs/runbook/verified/audit`), with who marked it, when
/// and why.
///
/// Stored as git stores annotated tags: the reference points at a tag object that names the commit and carries the
/// tagger and a message, so `git show refs/runbook/verified/audit` tells the story, and `git gc` keeps the commit
/// even when the branch it was on is rewritten.
public struct Mark: Sendable, Equatable {
    /// What the reference points at: the tag object, or the commit itself when someone set the reference by hand.
    public let target: ObjectID
    /// The marked commit.
    public let commit: ObjectID
    /// Who marked it and when; nil when the reference points straight at the commit.
    public let tagger: Signature?
    /// Why: the tag's message without its final newline; empty when the reference points straight at the commit.
    public let message: String

    /// Creates a mark value; for tests and fakes. Real marks come from ``Repository/mark(_:)``.
    public init(target: ObjectID, commit: ObjectID, tagger: Signature?, message: String) {
        self.target = target
        self.commit = commit
        self.tagger = tagger
        self.message = message
    }
}
