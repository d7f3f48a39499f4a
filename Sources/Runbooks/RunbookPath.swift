/// Rules for where a runbook lives: `runbooks/<id>.md`, a relative path with no `.`/`..` tricks.
enum RunbookPath {
    static let directory = "runbooks/"
    static let fileExtension = ".md"

    /// The problems with `path`, each a complete message; empty when it is fine.
    static func problems(with path: String) -> [String] {
        var problems: [String] = []
        if path.hasPrefix("/") {
            problems.append("runbook path '\(path)' is absolute; paths are relative to the wiki root (runbooks/NAME.md)")
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains(where: { $0 == "." || $0 == ".." || ($0.isEmpty && !path.hasPrefix("/")) }) {
            problems.append("runbook path '\(path)' has an empty, '.' or '..' component")
        }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\\" || $0.value == 0x7F }) {
            problems.append("runbook path '\(path)' contains a control character or backslash")
        }
        if !path.hasPrefix(directory) {
            problems.append("runbook path '\(path)' is not under \(directory)")
        }
        if !path.hasSuffix(fileExtension) || path.hasSuffix("/" + fileExtension) || path == directory + fileExtension {
            problems.append("runbook path '\(path)' does not name a \(fileExtension) file")
        }
        return problems
    }

    /// The runbook id: the path under `runbooks/` without `.md` (best effort for invalid paths).
    static func id(for path: String) -> String {
        var id = Substring(path)
        if id.hasPrefix(directory) { id = id.dropFirst(directory.count) }
        if id.hasSuffix(fileExtension) { id = id.dropLast(fileExtension.count) }
        return String(id)
    }
}
