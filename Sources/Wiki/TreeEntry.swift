/// A file in a commit's tree.
public struct TreeEntry: Sendable, Equatable {
    /// Full path from the root of the tree, `/`-separated, no leading slash.
    public let path: String
    /// The file's contents, readable with ``Repository/readBlob(_:)``.
    public let blob: ObjectID
    /// How git records the file.
    public let mode: FileMode

    /// Creates an entry; for tests and fakes. Real entries come from ``Repository/files(at:under:)``.
    public init(path: String, blob: ObjectID, mode: FileMode) {
        self.path = path
        self.blob = blob
        self.mode = mode
    }
}

/// The kinds of blob a git tree can hold (directories and submodules are not files).
public enum FileMode: Sendable {
    /// A regular file (mode 100644).
    case file
    /// An executable file (mode 100755).
    case executable
    /// A symbolic link (mode 120000); the blob holds the link target.
    case symlink
}
