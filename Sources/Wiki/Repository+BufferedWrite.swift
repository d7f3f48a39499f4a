internal import CLibGit2
import Foundation

/// Writing a commit's objects straight into the in-memory buffer.
///
/// libgit2's own writers (`git_blob_create_from_buffer`, `git_tree_create_updated`,
/// `git_commit_create`) first ask every backend whether the object exists, and on a miss reload
/// the list of packs, which reads the `objects/pack` folder: for a new object that is every time,
/// and the folder grows with each batch the audit log writes. Objects built here are hashed and
/// handed to the memory backend directly, so appending costs the same however long the history is.
extension Repository {
    /// Builds the commit of `changes` on `parent` (`baseline` is its tree) in the memory buffer.
    /// The caller holds the lock and has validated the changes.
    func writeBufferedCommit(
        changes: [FileChange], baseline: OpaquePointer, parent: OpaquePointer?, author: Signature, committer: Signature,
        message: String, in repo: OpaquePointer
    ) throws -> ObjectID {
        let pending = changes.map { (components: $0.path.split(separator: "/")[...], change: $0) }
        let tree = try writeBufferedTree(base: baseline, changes: pending, in: repo)
        let treeObject = try Self.lookupTree(tree, in: repo)
        defer { git_tree_free(treeObject) }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        var parents: [OpaquePointer?] = parent.map { [$0] } ?? []
        try author.withGitSignature { authorSignature in
            try committer.withGitSignature { committerSignature in
                try check(git_commit_create_buffer(&buffer, repo, authorSignature, committerSignature, nil, message, treeObject,
                                                   parents.count, &parents), "git_commit_create_buffer")
            }
        }
        return try writeBufferedObject(UnsafeRawBufferPointer(start: buffer.ptr, count: buffer.size), type: GIT_OBJECT_COMMIT)
    }

    /// Writes the tree that results from applying `changes` (paths relative to it) to `base`
    /// (nil: an empty tree), and the subtrees and blobs below it that change.
    private func writeBufferedTree(
        base: OpaquePointer?, changes: [(components: ArraySlice<Substring>, change: FileChange)], in repo: OpaquePointer
    ) throws -> ObjectID {
        var entries = Self.entries(of: base)
        var byChild: [Substring: [(components: ArraySlice<Substring>, change: FileChange)]] = [:]
        for change in changes {
            let name = change.components.first!
            if change.components.count == 1 {
                switch change.change {
                case .write(_, let contents, let executable):
                    let blob = try contents.withUnsafeBytes { try writeBufferedObject($0, type: GIT_OBJECT_BLOB) }
                    entries[String(name)] = TreeItem(mode: executable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB, id: blob)
                case .delete:
                    entries[String(name)] = nil
                }
            } else {
                byChild[name, default: []].append((change.components.dropFirst(), change.change))
            }
        }
        for (name, changes) in byChild {
            let existing = entries[String(name)].flatMap { $0.mode == GIT_FILEMODE_TREE ? $0.id : nil }
            let subtree = try existing.map { try Self.lookupTree($0, in: repo) }
            defer { git_tree_free(subtree) }
            let id = try writeBufferedTree(base: subtree, changes: changes, in: repo)
            // A folder whose last file was deleted disappears, as in git.
            entries[String(name)] = id == Self.emptyTreeID ? nil : TreeItem(mode: GIT_FILEMODE_TREE, id: id)
        }
        return try writeBufferedObject(Self.serialize(entries), type: GIT_OBJECT_TREE)
    }

    /// A tree entry: its mode and object.
    private struct TreeItem {
        let mode: git_filemode_t
        let id: ObjectID
    }

    /// The entries of a tree by name.
    private static func entries(of tree: OpaquePointer?) -> [String: TreeItem] {
        guard let tree else { return [:] }
        var entries: [String: TreeItem] = [:]
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            entries[String(cString: git_tree_entry_name(entry))] =
                TreeItem(mode: git_tree_entry_filemode(entry), id: ObjectID(git_tree_entry_id(entry)))
        }
        return entries
    }

    /// A tree object's bytes: `mode name\0<20-byte id>` per entry, in git's order, where a
    /// folder's name sorts as if it ended in `/`.
    private static func serialize(_ entries: [String: TreeItem]) -> [UInt8] {
        // Keys are built once per entry, not once per comparison.
        let sorted = entries.map { (key: sortKey($0.key, $0.value.mode), name: $0.key, item: $0.value) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var bytes: [UInt8] = []
        for (_, name, item) in sorted {
            bytes += Array(String(item.mode.rawValue, radix: 8).utf8) + [UInt8(ascii: " ")] + Array(name.utf8) + [0]
            withUnsafeBytes(of: item.id.oid.id) { bytes += $0 }
        }
        return bytes
    }

    private static func sortKey(_ name: String, _ mode: git_filemode_t) -> [UInt8] {
        Array(name.utf8) + (mode == GIT_FILEMODE_TREE ? [UInt8(ascii: "/")] : [])
    }

    /// The id of the empty tree.
    private static let emptyTreeID: ObjectID = {
        var oid = git_oid()
        git_odb_hash(&oid, nil, 0, GIT_OBJECT_TREE)
        return ObjectID(oid)
    }()

    private func writeBufferedObject(_ bytes: [UInt8], type: git_object_t) throws -> ObjectID {
        try bytes.withUnsafeBytes { try writeBufferedObject($0, type: type) }
    }

    /// Hashes `bytes` as an object of `type` and stores it in the memory backend, without asking
    /// any other backend first.
    private func writeBufferedObject(_ bytes: UnsafeRawBufferPointer, type: git_object_t) throws -> ObjectID {
        var oid = git_oid()
        let empty: UInt8 = 0
        try withUnsafePointer(to: empty) { fallback in
            try check(git_odb_hash(&oid, bytes.baseAddress ?? UnsafeRawPointer(fallback), bytes.count, type), "git_odb_hash")
            let backend = memoryPack!
            try check(backend.pointee.write(backend, &oid, bytes.baseAddress ?? UnsafeRawPointer(fallback), bytes.count, type),
                      "git_odb_backend.write")
        }
        let id = ObjectID(oid)
        bufferedObjects.append(id)
        return id
    }
}
