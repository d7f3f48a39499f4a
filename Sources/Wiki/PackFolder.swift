internal import CLibGit2
import Foundation

/// A repository's `objects/pack` folder, where the audit log's packs are written, synced to disk
/// one by one.
///
/// Each pack and its index are written under temporary names and synced, renamed (the index
/// last: git finds a pack by its index), and then the folder is synced so the names survive too.
/// That makes a batch durable by syncing its own files, where `syncfs` would wait for every dirty
/// file on the file system.
struct PackFolder {
    let path: String

    /// Writes `pack` and its index, durably.
    func write(_ pack: PackEncoder.Encoded) throws {
        let base = path + "/pack-" + pack.name
        try writeSynced(pack.pack, to: base + ".pack", temporary: path + "/tmp_pack_" + pack.name)
        try writeSynced(pack.index, to: base + ".idx", temporary: path + "/tmp_idx_" + pack.name)
        try Self.sync(path)
    }

    /// Writes the pack `bytes` and an index libgit2 builds for it (the pack may hold deltas), durably;
    /// returns the pack's name.
    func writeIndexing(_ bytes: UnsafeRawBufferPointer) throws -> String {
        let scratch = path + "/tmp_index_" + UUID().uuidString
        guard mkdir(scratch, 0o700) == 0 else { throw WikiError.fileFailure("create", scratch) }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var indexer: OpaquePointer?
        try check(git_indexer_new(&indexer, scratch, 0, nil, nil), "git_indexer_new")
        defer { git_indexer_free(indexer) }
        var progress = git_indexer_progress()
        try check(git_indexer_append(indexer, bytes.baseAddress, bytes.count, &progress), "git_indexer_append")
        try check(git_indexer_commit(indexer, &progress), "git_indexer_commit")
        let name = String(cString: git_indexer_name(indexer))
        // Synced under the scratch folder, then moved in, the index last as for the other packs.
        for suffix in [".pack", ".idx"] {
            let file = scratch + "/pack-" + name + suffix
            try Self.syncFile(file)
            guard rename(file, path + "/pack-" + name + suffix) == 0 else { throw WikiError.fileFailure("rename", file) }
        }
        try Self.sync(path)
        return name
    }

    /// The ids of the objects in the pack `name`, from its index.
    func objectIDs(inPack name: String) throws -> [ObjectID] {
        let file = path + "/pack-\(name).idx"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw WikiError.packWriteFailed(reason: "cannot read \(file)")
        }
        return try PackIndex.objectIDs(in: [UInt8](data))
    }

    /// The packs in the folder, with their object counts: those with an index and no `.keep` file (git's mark for a
    /// pack not to be repacked).
    func packsOnDisk() throws -> [PackShelf.Pack] {
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
        let present = Set(names)
        return names.compactMap { file -> PackShelf.Pack? in
            guard file.hasPrefix("pack-"), file.hasSuffix(".idx") else { return nil }
            let name = String(file.dropFirst(5).dropLast(4))
            guard present.contains("pack-\(name).pack"), !present.contains("pack-\(name).keep"),
                  let handle = FileHandle(forReadingAtPath: path + "/" + file) else { return nil }
            defer { try? handle.close() }
            let header = (try? handle.read(upToCount: PackIndex.headerSize)) ?? Data()
            return PackShelf.Pack(name: name, objectCount: PackIndex.objectCount(in: [UInt8](header)))
        }
    }

    /// Removes what writers killed half-way left behind (`tmp_pack_…`, `tmp_idx_…`, `tmp_index_…/`), once older than
    /// `age`: a younger one may be another process's write in progress.
    func removeAbandoned(olderThan age: TimeInterval) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names where name.hasPrefix("tmp_pack_") || name.hasPrefix("tmp_idx_") || name.hasPrefix("tmp_index_") {
            let file = path + "/" + name
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date,
                  Date().timeIntervalSince(modified) > age else { continue }
            try? FileManager.default.removeItem(atPath: file)
        }
    }

    /// Deletes the packs `names`, each index before its pack, so no reader finds an index without its pack.
    func delete(_ names: [String]) throws {
        for name in names {
            for suffix in [".idx", ".pack"] where unlink(path + "/pack-" + name + suffix) != 0 && errno != ENOENT {
                throw WikiError.packWriteFailed(reason: "cannot delete pack-\(name)\(suffix): \(String(cString: strerror(errno)))")
            }
        }
        try Self.sync(path)
    }

    /// Writes `bytes` to `temporary`, syncs it and renames it to `final`.
    private func writeSynced(_ bytes: [UInt8], to final: String, temporary: String) throws {
        // Read-only, as git makes pack files.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o444)
        guard descriptor >= 0 else { throw WikiError.fileFailure("create", temporary) }
        do {
            defer { close(descriptor) }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { throw WikiError.fileFailure("write", temporary) }
                offset += written
            }
            guard fsync(descriptor) == 0 else { throw WikiError.fileFailure("sync", temporary) }
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, final) == 0 else {
            let error = WikiError.fileFailure("rename", temporary)
            unlink(temporary)
            throw error
        }
    }

    private static func syncFile(_ file: String) throws {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw WikiError.fileFailure("open", file) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw WikiError.fileFailure("sync", file) }
    }

    /// Syncs the folder `path` itself: the names in it.
    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw WikiError.fileFailure("open", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw WikiError.fileFailure("sync", path) }
    }
}
