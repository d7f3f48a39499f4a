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
            try finishMerge(in: repo)
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

    /// Puts a merged pack in place of the packs it merged, once one is ready, and starts the next
    /// merge due. Called with an empty buffer: giving the handle a new object database drops the memory backend.
    private func finishMerge(in repo: OpaquePointer) throws {
        if let merge = finishedMerge {
            finishedMerge = nil
            mergeInFlight = false
            switch merge.result {
            case .success(let merged):
                try packFolder.delete(merge.packs.filter { $0 != merged.name })
                try reopenObjects(in: repo)
                packShelf.replace(merge.packs, with: merged.name, objects: merged.objectCount)
            case .failure:
                // The packs stay as they are, and out of later merges: retrying would fail the same way.
                packShelf.forget(merge.packs)
            }
        }
        guard !mergeInFlight, let packs = packShelf.nextMerge() else { return }
        mergeInFlight = true
        let objects = gitDirectory + "/objects"
        let folder = packFolder
        Thread.detachNewThread { [weak self] in
            let result = Result { try Self.merge(packs, objectsDirectory: objects, into: folder) }
            guard let self else { return }
            withHandle { _ in finishedMerge = FinishedMerge(packs: packs, result: result) }
        }
    }

    /// Writes the objects of the packs `names` as one pack, read through an object database of its
    /// own (libgit2 objects are not shared between threads). The packs themselves stay.
    private static func merge(_ names: [String], objectsDirectory: String, into folder: PackFolder) throws -> PackShelf.Pack {
        var odb: OpaquePointer?
        try check(git_odb_open(&odb, objectsDirectory), "git_odb_open")
        defer { git_odb_free(odb) }
        let ids = try names.flatMap { try folder.objectIDs(inPack: $0) }
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
