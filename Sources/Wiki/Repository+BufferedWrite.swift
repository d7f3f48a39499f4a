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
        message: String, signer: (any CommitSigner)?, in repo: OpaquePointer
    ) throws -> ObjectID {
        let pending = changes.map { (components: $0.path.split(separator: "/")[...], change: $0) }
        let tree = try writeBufferedTree(base: ObjectID(git_tree_id(baseline)), changes: pending, in: repo)
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
        let content = UnsafeRawBufferPointer(start: buffer.ptr, count: buffer.size)
        guard let signer else { return try writeBufferedObject(content, type: GIT_OBJECT_COMMIT) }
        return try writeBufferedObject(Self.signed(content, with: signer), type: GIT_OBJECT_COMMIT)
    }

    /// The commit `content` with `signer`'s signature in a `gpgsig` header after the committer line, where git
    /// writes it (`git commit -S`): each line after the first is continued with a leading space.
    static func signed(_ content: UnsafeRawBufferPointer, with signer: any CommitSigner) throws -> [UInt8] {
        let signature = try signer.signCommit(content)
        let bytes = Array(content)
        // The headers end at the first empty line; a commit always has one before its message.
        var end = 0
        while end + 1 < bytes.count, !(bytes[end] == 0x0a && bytes[end + 1] == 0x0a) { end += 1 }
        let folded = signature.hasSuffix("\n") ? String(signature.dropLast()) : signature
        let header = Array("gpgsig \(folded.replacingOccurrences(of: "\n", with: "\n "))\n".utf8)
        return Array(bytes[...end]) + header + bytes[(end + 1)...]
    }

    /// Writes the tree that results from applying `changes` (paths relative to it) to the tree
    /// `base` (nil: an empty tree), and the subtrees and blobs below it that change.
    private func writeBufferedTree(
        base: ObjectID?, changes: [(components: ArraySlice<Substring>, change: FileChange)], in repo: OpaquePointer
    ) throws -> ObjectID {
        var tree = try base.map { try rawTree($0, in: repo) } ?? RawTree(nil)
        var byChild: [Substring: [(components: ArraySlice<Substring>, change: FileChange)]] = [:]
        for change in changes {
            let name = change.components.first!
            if change.components.count == 1 {
                switch change.change {
                case .write(_, let contents, let executable):
                    let blob = try contents.withUnsafeBytes { try writeBufferedObject($0, type: GIT_OBJECT_BLOB) }
                    tree.set(Array(name.utf8), mode: executable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB, oid: blob.oid)
                case .delete:
                    tree.remove(Array(name.utf8))
                }
            } else {
                byChild[name, default: []].append((change.components.dropFirst(), change.change))
            }
        }
        for (name, changes) in byChild {
            let key = Array(name.utf8)
            let existing = tree.entry(named: key).flatMap { $0.isTree ? ObjectID($0.oid) : nil }
            let id = try writeBufferedTree(base: existing, changes: changes, in: repo)
            // A folder whose last file was deleted disappears, as in git.
            if id == Self.emptyTreeID { tree.remove(key) } else { tree.set(key, mode: GIT_FILEMODE_TREE, oid: id.oid) }
        }
        let id = try writeBufferedObject(tree.serialized(), type: GIT_OBJECT_TREE)
        remember(tree, as: id)
        return id
    }

    /// The tree `id`, from the cache or parsed once from the object database.
    private func rawTree(_ id: ObjectID, in repo: OpaquePointer) throws -> RawTree {
        if let cached = treeCache[id] { return cached }
        let object = try Self.lookupTree(id, in: repo)
        defer { git_tree_free(object) }
        let tree = RawTree(object)
        remember(tree, as: id)
        return tree
    }

    /// Keeps `tree` for the next commits of the chain. The cache is emptied when it grows past a few
    /// hundred trees, which costs one parse per folder the next commit touches.
    private func remember(_ tree: RawTree, as id: ObjectID) {
        if treeCache.count >= 512 { treeCache.removeAll(keepingCapacity: true) }
        treeCache[id] = tree
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
