/// Validation of paths inside a repository's tree (not file-system paths).
enum RepositoryPath {
    /// Throws ``WikiError/invalidPath(_:reason:)`` unless `path` is a relative, `/`-separated path whose components
    /// are all real names: not empty, not `.` or `..`, not `.git` (in any case: case-insensitive file systems
    /// would treat `.GIT` as the git directory on checkout), and without NUL.
    static func validate(_ path: String) throws(WikiError) {
        guard !path.isEmpty else { throw WikiError.invalidPath(path, reason: "the path is empty") }
        guard !path.utf8.contains(0) else { throw WikiError.invalidPath(path, reason: "the path contains NUL") }
        guard !path.hasPrefix("/") else { throw WikiError.invalidPath(path, reason: "the path is absolute") }
        guard !path.hasSuffix("/") else { throw WikiError.invalidPath(path, reason: "the path ends with '/'") }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            try validate(component: component, of: path)
        }
    }

    /// Validates a directory prefix: like ``validate(_:)`` but one trailing `/` is allowed; returns the prefix
    /// without it ("" stays "" and means the root).
    static func normalizedPrefix(_ prefix: String) throws(WikiError) -> String {
        let trimmed = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        if !trimmed.isEmpty {
            try validate(trimmed)
        }
        return trimmed
    }

    /// The proper ancestors of a valid path: "a/b/c" gives ["a", "a/b"].
    static func ancestors(of path: String) -> [String] {
        let components = path.split(separator: "/")
        return (1..<max(components.count, 1)).map { components[0..<$0].joined(separator: "/") }
    }

    private static func validate(component: Substring, of path: String) throws(WikiError) {
        switch component {
        case "":
            throw WikiError.invalidPath(path, reason: "the path has an empty component")
        case ".", "..":
            throw WikiError.invalidPath(path, reason: "the path has a '\(component)' component")
        case _ where component.lowercased() == ".git":
            throw WikiError.invalidPath(path, reason: "the path has a '.git' component")
        default:
            return
        }
    }
}
