import Foundation

/// One change to apply in ``Repository/commit(changes:to:expectedParent:author:committer:message:trailers:)``.
public enum FileChange: Sendable, Equatable {
    /// Create or replace the file at `path` (creating directories as needed).
    case write(path: String, contents: Data, executable: Bool = false)
    /// Remove the file at `path`; it must exist in the parent commit. Directories left empty disappear.
    case delete(path: String)

    /// The path the change applies to.
    public var path: String {
        switch self {
        case .write(let path, _, _), .delete(let path):
            return path
        }
    }
}
