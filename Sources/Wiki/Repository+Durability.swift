import Foundation

extension Repository {
    /// Syncs the branch's reference file, and the folder that holds it, to disk.
    ///
    /// libgit2 writes a reference under a lock file and renames it into place; syncing both after
    /// the update makes the move durable without syncing anything else.
    public func syncBranch(_ branch: String) throws {
        let file = gitDirectory + "/" + (try Self.branchReference(branch))
        let descriptor = Foundation.open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw WikiError.syncFailed(path: file, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw WikiError.syncFailed(path: file, reason: String(cString: strerror(errno))) }
        try PackFolder.sync((file as NSString).deletingLastPathComponent)
    }
}
