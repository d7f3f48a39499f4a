internal import CLibGit2
import Foundation

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
            var odb: OpaquePointer?
            try check(git_repository_odb(&odb, repo), "git_repository_odb")
            defer { git_odb_free(odb) }
            memoryPack = try Self.addMemoryPack(to: odb)
        }
    }

    /// Adds a new memory backend to `odb`, with the highest priority of all so writes go there.
    /// The odb owns it from then on.
    private static func addMemoryPack(to odb: OpaquePointer?) throws -> UnsafeMutablePointer<git_odb_backend>? {
        var backend: UnsafeMutablePointer<git_odb_backend>?
        try check(git_mempack_new(&backend), "git_mempack_new")
        try check(git_odb_add_backend(odb, backend, 999), "git_odb_add_backend")
        return backend
    }

    /// Writes the objects buffered since the last call as one pack and its index, synced to disk,
    /// then empties the buffer. Does nothing when nothing is buffered.
    ///
    /// Small packs are merged as they pile up (see ``PackShelf``), on a thread of their own, so
    /// lookups search a few dozen packs however long the audit log runs and no write waits for a merge.
    public func writeBufferedObjects() throws {
        try withHandle { repo in
            guard let memoryPack, !bufferedObjects.isEmpty else { return }
            let pack = try Self.encodePack(of: bufferedObjects) { id in try Self.readBuffered(id, from: memoryPack) }
            try packFolder.write(pack)
            bufferedObjects = []
            try check(git_mempack_reset(memoryPack), "git_mempack_reset")
            try refreshObjects(in: repo)
            packShelf.add(pack.name, objects: pack.objectCount)
            finishMerges(in: repo)
        }
    }

    /// Takes the packs already on disk into the merges of this handle's packs (see ``PackShelf``): those an earlier
    /// process wrote before it was killed, or before it stopped with fewer than a merge's worth of a size class,
    /// would otherwise stay as they are for good, and each restart would add more. Also removes the temporary files
    /// a killed writer left, once they are an hour old. For a long-running writer: a short one would start merges
    /// that its exit cuts short.
    public func mergePacksOnDisk() throws {
        try withHandle { repo in
            let folder = packFolder
            folder.removeAbandoned(olderThan: 3600)
            let known = packShelf.names.union(mergesInFlight)
            for pack in try folder.packsOnDisk() where !known.contains(pack.name) {
                packShelf.add(pack.name, objects: pack.objectCount)
            }
            if bufferedObjects.isEmpty { finishMerges(in: repo) }
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

    /// The folder packs are written to.
    var packFolder: PackFolder {
        PackFolder(path: gitDirectory + "/objects/pack")
    }

    /// A pack of exactly `objects` (each once), read with `read`, each stored whole (see ``PackEncoder``).
    private static func encodePack(
        of objects: [ObjectID], read: (ObjectID) throws -> (type: git_object_t, contents: Data)
    ) throws -> PackEncoder.Encoded {
        // The same object may have been written twice (two empty files), and git refuses a pack that holds it twice.
        var seen = Set<ObjectID>()
        let objects = try objects.filter { seen.insert($0).inserted }.map { id in
            let object = try read(id)
            return PackEncoder.Object(id: id, type: UInt8(object.type.rawValue), contents: object.contents)
        }
        return try PackEncoder.encode(objects)
    }

    /// An object of the memory backend.
    private static func readBuffered(
        _ id: ObjectID, from backend: UnsafeMutablePointer<git_odb_backend>
    ) throws -> (type: git_object_t, contents: Data) {
        var oid = id.oid
        var data: UnsafeMutableRawPointer?
        var size = 0
        var type = GIT_OBJECT_INVALID
        try check(backend.pointee.read(&data, &size, &type, backend, &oid), "git_odb_backend.read")
        // The backend hands over a copy allocated by libgit2's allocator.
        defer { git_odb_backend_data_free(backend, data) }
        return (type, data.map { Data(bytes: $0, count: size) } ?? Data())
    }

    /// Lets libgit2 find the packs written since it last listed the folder.
    private func refreshObjects(in repo: OpaquePointer) throws {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repo), "git_repository_odb")
        defer { git_odb_free(odb) }
        try check(git_odb_refresh(odb), "git_odb_refresh")
    }

    /// Puts merged packs in place of the packs they merged, once ready, and starts the merges due.
    /// Called with an empty buffer (after a write, or when a merge ends between writes): giving the
    /// handle a new object database drops the memory backend.
    ///
    /// Never fails the write it follows: a merged pack holds every object of its inputs, so an input
    /// that cannot be deleted only costs disk.
    private func finishMerges(in repo: OpaquePointer) {
        let finished = finishedMerges
        finishedMerges = []
        for merge in finished {
            mergesInFlight.subtract(merge.packs)
            switch merge.result {
            case .success(let merged):
                try? packFolder.delete(merge.packs.filter { $0 != merged.name })
                packShelf.replace(merge.packs, with: merged.name, objects: merged.objectCount)
            case .failure:
                // The packs stay as they are, and out of later merges: retrying would fail the same way.
                packShelf.forget(merge.packs)
            }
        }
        // Libgit2 keeps deleted packs listed, and reading from one fails: list the folder afresh.
        // Should even that fail, the next read of a merged object reports it.
        if !finished.isEmpty { try? reopenObjects(in: repo) }
        // Two at a time, and two more of small packs: a large merge takes seconds, and small packs must not pile up
        // behind it meanwhile.
        while let packs = packShelf.nextMerge(excluding: mergesInFlight) {
            let small = packShelf.objectCount(of: packs) < PackShelf.smallMerge
            guard mergesInFlight.count < (small ? 4 : 2) * PackShelf.fanIn else { break }
            mergesInFlight.formUnion(packs)
            startMerge(packs)
        }
    }

    /// Merges `packs` on a thread of its own, at the lowest priority: it competes with nothing that waits for it.
    ///
    /// A writer that keeps both cores busy starves it, and packs pile up until the storm ends (378 after 300,000 alerts
    /// in a storm). Merging at normal priority once packs piled up kept them under about 120 for most of such a storm,
    /// but its delta searches took the writer's CPU and the storm's rate fell from 3,660 to 2,178 alerts/s
    /// (docs/benchmarks.md): lookups in a few hundred packs cost less than that.
    private func startMerge(_ packs: [String]) {
        let gitDirectory = gitDirectory
        let folder = packFolder
        Thread.detachNewThread { [weak self] in
            // On Linux, with 0 for `who`, only the calling thread.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
            let result = Result { try Self.merge(packs, gitDirectory: gitDirectory, into: folder) }
            guard let self else { return }
            withHandle { repo in
                finishedMerges.append(FinishedMerge(packs: packs, result: result))
                // Put in place now unless a batch is being built; else its write will.
                if bufferedObjects.isEmpty { finishMerges(in: repo) }
            }
        }
    }

    /// Writes the objects of the packs `names` as one pack, read through an object database of its
    /// own (libgit2 objects are not shared between threads). The packs themselves stay.
    ///
    /// Large merges go through libgit2's pack builder, which stores objects as deltas of similar ones:
    /// a tree that changed one entry costs a few bytes instead of all of it. Its delta search is what
    /// made every batch slow when it ran on the writer's path; here it runs once per object at that
    /// size and above, on this thread.
    private static func merge(_ names: [String], gitDirectory: String, into folder: PackFolder) throws -> PackShelf.Pack {
        let ids = try names.flatMap { try folder.objectIDs(inPack: $0) }
        if ids.count >= PackShelf.deltasFrom { return try mergeWithDeltas(ids, gitDirectory: gitDirectory, into: folder) }
        var odb: OpaquePointer?
        try check(git_odb_open(&odb, gitDirectory + "/objects"), "git_odb_open")
        defer { git_odb_free(odb) }
        let merged = try encodePack(of: ids) { id in
            var oid = id.oid
            var object: OpaquePointer?
            try check(git_odb_read(&object, odb, &oid), "git_odb_read")
            defer { git_odb_object_free(object) }
            return (git_odb_object_type(object), Data(bytes: git_odb_object_data(object), count: git_odb_object_size(object)))
        }
        try folder.write(merged)
        return PackShelf.Pack(name: merged.name, objectCount: merged.objectCount)
    }

    /// One pack of `ids` with deltas, built by libgit2 on a repository handle of this thread's own.
    private static func mergeWithDeltas(_ ids: [ObjectID], gitDirectory: String, into folder: PackFolder) throws -> PackShelf.Pack {
        var repo: OpaquePointer?
        try check(git_repository_open(&repo, gitDirectory), "git_repository_open")
        defer { git_repository_free(repo) }
        var builder: OpaquePointer?
        try check(git_packbuilder_new(&builder, repo), "git_packbuilder_new")
        defer { git_packbuilder_free(builder) }
        git_packbuilder_set_threads(builder, 1)
        var seen = Set<ObjectID>()
        for id in ids where seen.insert(id).inserted {
            var oid = id.oid
            try check(git_packbuilder_insert(builder, &oid, nil), "git_packbuilder_insert")
        }
        var pack = git_buf()
        defer { git_buf_dispose(&pack) }
        try check(git_packbuilder_write_buf(&pack, builder), "git_packbuilder_write_buf")
        let name = try folder.writeIndexing(UnsafeRawBufferPointer(start: pack.ptr, count: pack.size))
        return PackShelf.Pack(name: name, objectCount: seen.count)
    }

    /// Gives the handle an object database listed afresh: libgit2's refresh adds new packs but
    /// keeps deleted ones, and reading an object from one of those fails.
    private func reopenObjects(in repo: OpaquePointer) throws {
        var odb: OpaquePointer?
        try check(git_odb_open(&odb, gitDirectory + "/objects"), "git_odb_open")
        defer { git_odb_free(odb) }
        let backend = try Self.addMemoryPack(to: odb)
        try check(git_repository_set_odb(repo, odb), "git_repository_set_odb")
        memoryPack = backend
    }
}
