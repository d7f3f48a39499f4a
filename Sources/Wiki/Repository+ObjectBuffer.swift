internal import CLibGit2

extension Repository {
    /// From now on, keeps every object written through this handle in memory until
    /// ``writeBufferedObjects()`` writes them to disk as one pack.
    ///
    /// An event's commit is a blob, a few trees and a commit: as loose objects, that is seven new
    /// files each. Buffered, a whole batch of events becomes one pack and its index, which is what
    /// lets the audit log commit thousands of events a second. Affects only this `Repository`
    /// instance, so the audit log uses a handle of its own. Objects stay readable through it
    /// meanwhile.
    public func bufferObjectsInMemory() throws {
        try withHandle { repo in
            guard memoryPack == nil else { return }
            var backend: UnsafeMutablePointer<git_odb_backend>?
            try check(git_mempack_new(&backend), "git_mempack_new")
            var odb: OpaquePointer?
            try check(git_repository_odb(&odb, repo), "git_repository_odb")
            defer { git_odb_free(odb) }
            // The highest priority of all backends, so writes go here; the odb owns it from now on.
            try check(git_odb_add_backend(odb, backend, 999), "git_odb_add_backend")
            memoryPack = backend
        }
    }

    /// Writes the objects buffered since the last call as one pack (and its index), then empties
    /// the buffer. Does nothing when nothing is buffered. Call ``syncToDisk()`` to make it durable.
    public func writeBufferedObjects() throws {
        try withHandle { repo in
            guard let memoryPack else { return }
            if bufferedObjects.count >= Self.smallestPack {
                try Self.writePack(buildPack(of: bufferedObjects), in: repo)
                packsWritten += 1
                if packsWritten.isMultiple(of: Self.packsPerIndex) { try Self.writeMultiPackIndex(in: repo) }
            } else if !bufferedObjects.isEmpty {
                try writeLoose(bufferedObjects, in: repo)
            }
            bufferedObjects = []
            try check(git_mempack_reset(memoryPack), "git_mempack_reset")
        }
    }

    /// Drops the objects buffered since the last write, as if they had never been written.
    public func discardBufferedObjects() throws {
        try withHandle { _ in
            guard let memoryPack else { return }
            bufferedObjects = []
            try check(git_mempack_reset(memoryPack), "git_mempack_reset")
        }
    }

    /// Fewer objects than this (up to about seven events) are written as loose objects rather than a pack:
    /// a pack per small batch would pile up thousands of packs, and every lookup that misses
    /// searches each one.
    static let smallestPack = 64

    /// Writes buffered objects as loose objects through the loose backend itself, so libgit2 does
    /// not look for them first (and reread the pack folder on the miss).
    private func writeLoose(_ objects: [ObjectID], in repo: OpaquePointer) throws {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repo), "git_repository_odb")
        defer { git_odb_free(odb) }
        guard let loose = try Self.looseBackend(of: odb, besides: memoryPack) else {
            throw GitError(function: "git_odb_get_backend", code: -1, errorClass: 0, message: "the repository has no loose object store")
        }
        for id in objects {
            var oid = id.oid
            var object: OpaquePointer?
            try check(git_odb_read(&object, odb, &oid), "git_odb_read")
            defer { git_odb_object_free(object) }
            try check(loose.pointee.write(loose, &oid, git_odb_object_data(object), git_odb_object_size(object), git_odb_object_type(object)),
                      "git_odb_backend.write")
        }
    }

    /// The backend that writes loose objects: the one besides the memory backend that can write single objects.
    private static func looseBackend(
        of odb: OpaquePointer?, besides memory: UnsafeMutablePointer<git_odb_backend>?
    ) throws -> UnsafeMutablePointer<git_odb_backend>? {
        for position in 0..<git_odb_num_backends(odb) {
            var backend: UnsafeMutablePointer<git_odb_backend>?
            try check(git_odb_get_backend(&backend, odb, position), "git_odb_get_backend")
            if let backend, backend != memory, backend.pointee.write != nil { return backend }
        }
        return nil
    }

    /// How many packs to write between two multi-pack indexes: lookups search the index once and
    /// then each pack written since, so this bounds the packs searched one by one.
    static let packsPerIndex = 16

    /// A pack of exactly `objects`, read from the memory backend, each stored whole (see ``PackEncoder``).
    private func buildPack(of objects: [ObjectID]) throws -> [UInt8] {
        let backend = memoryPack!
        // The same object may have been written twice (two empty files), and git refuses a pack that holds it twice.
        var seen = Set<ObjectID>()
        let objects = objects.filter { seen.insert($0).inserted }
        var pack = PackEncoder(count: objects.count)
        for object in objects {
            var oid = object.oid
            var data: UnsafeMutableRawPointer?
            var size = 0
            var type = GIT_OBJECT_INVALID
            try check(backend.pointee.read(&data, &size, &type, backend, &oid), "git_odb_backend.read")
            // The backend hands over a copy allocated by libgit2's allocator.
            defer { git_odb_backend_data_free(backend, data) }
            try pack.append(type: UInt8(type.rawValue), contents: UnsafeRawBufferPointer(start: data, count: size))
        }
        return pack.finish()
    }

    /// Streams a pack into the object database through libgit2's indexer, which writes the
    /// `.pack` and `.idx` files under `objects/pack`.
    private static func writePack(_ pack: [UInt8], in repo: OpaquePointer) throws {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repo), "git_repository_odb")
        defer { git_odb_free(odb) }
        var writer: UnsafeMutablePointer<git_odb_writepack>?
        try check(git_odb_write_pack(&writer, odb, nil, nil), "git_odb_write_pack")
        defer { writer?.pointee.free(writer) }
        var stats = git_indexer_progress()
        try pack.withUnsafeBytes { bytes -> Void in
            try check(writer!.pointee.append(writer, bytes.baseAddress, bytes.count, &stats), "git_odb_writepack.append")
        }
        try check(writer!.pointee.commit(writer, &stats), "git_odb_writepack.commit")
    }

    /// Indexes every pack in one `multi-pack-index` file, so lookups stay fast as packs pile up.
    private static func writeMultiPackIndex(in repo: OpaquePointer) throws {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repo), "git_repository_odb")
        defer { git_odb_free(odb) }
        try check(git_odb_write_multi_pack_index(odb), "git_odb_write_multi_pack_index")
    }
}
