import Foundation
import Runbooks

/// Finding the git work tree a path lies in, as git finds it: the nearest folder at or above it that holds `.git`
/// (a folder, or the file that a linked work tree or a submodule has instead).
enum WorkTree {
    /// The top level of the work tree that holds `folder`, or nil when it is in none.
    static func enclosing(_ folder: URL) -> URL? {
        var folder = folder.standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(".git").path) { return folder }
            guard folder.path != "/" else { return nil }
            folder = folder.deletingLastPathComponent()
        }
    }

    /// The work tree the current directory is in when its top level holds `runbooks/`: a wiki someone is editing,
    /// which commands use rather than the embedded wiki (see ``WikiOptions/openRepository()``).
    static func enclosingWiki() -> URL? {
        guard let top = enclosing(URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) else { return nil }
        var isDirectory: ObjCBool = false
        let runbooks = top.appendingPathComponent(RunbookLibrary.directory).path
        guard FileManager.default.fileExists(atPath: runbooks, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        return top
    }
}
