/// A file that differs between two commits: what ``Repository/changedFiles(from:to:under:)`` reports.
public struct ChangedFile: Sendable, Equatable {
    /// Full path from the root, `/`-separated.
    public let path: String
    /// The file's blob in the newer commit, or nil when it was deleted (or is no longer a file).
    public let blob: ObjectID?

    /// Creates a change; for tests and fakes.
    public init(path: String, blob: ObjectID?) {
        self.path = path
        self.blob = blob
    }
}
