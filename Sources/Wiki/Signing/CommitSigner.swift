/// Signs commits as they are written: the text returned goes in the commit's `gpgsig` header, where git
/// (`git verify-commit`, `git log --show-signature`) finds it.
public protocol CommitSigner: Sendable {
    /// The armoured signature of `content`, the commit object without a signature header.
    func signCommit(_ content: UnsafeRawBufferPointer) throws -> String
}
