import Foundation
import Testing
@testable import Wiki

/// The audit log's own packs: whole objects, deflated, closed by a SHA-1 that git checks.
@Suite struct PackTests {
    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    private func sha1(_ parts: [[UInt8]]) -> String {
        var hash = SHA1()
        for part in parts { hash.update(part) }
        return hex(hash.finalize())
    }

    @Test func sha1MatchesTheStandardVectors() {
        #expect(sha1([]) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(sha1([Array("abc".utf8)]) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(sha1([Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)])
                == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(sha1([[UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)]) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func sha1DoesNotDependOnHowTheInputIsSplit() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let whole = sha1([bytes])
        for cut in [1, 55, 63, 64, 65, 128, 999] {
            #expect(sha1([Array(bytes[..<cut]), Array(bytes[cut...])]) == whole, "split at \(cut)")
        }
    }

    /// A batch large enough to be written as a pack, in which the same file contents come back
    /// (git refuses a pack that holds an object twice): git verifies it, finds every object whole,
    /// and reads the same files libgit2 does.
    @Test func aBatchPackIsValidForGitWithNoDeltas() throws {
        try #require(GitCLI.isAvailable)
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let log = try AuditLog(repository: repository)
        let entries = (0..<40).map { index in
            AuditEntry(changes: [.write(path: "incidents/\(index % 4)/\(index).md", contents: Data(String(repeating: "line \(index % 10)\n", count: 50).utf8))],
                       message: "Event \(index)", author: People.alice)
        }
        let commits = try log.append { _ in (entries, ()) }.commits
        let packs = try FileManager.default.contentsOfDirectory(atPath: repository.gitDirectory + "/objects/pack").filter { $0.hasSuffix(".idx") }
        #expect(packs.count == 1, "one batch, one pack")
        let listing = try GitCLI.run(["verify-pack", "-v", "objects/pack/\(packs[0])"], in: repository.gitDirectory)
        // `<id> <type> <size> <size in pack> <offset>`, and a depth and base for a delta.
        let objects = listing.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            .filter { ["blob", "tree", "commit"].contains($0.dropFirst().first) }
        #expect(objects.count >= 40 * 2 + 10)
        #expect(objects.allSatisfy { $0.count == 5 }, "no object is stored as a delta")
        try GitCLI.run(["fsck", "--strict", "--no-dangling"], in: repository.gitDirectory)
        let text = try GitCLI.run(["show", "\(commits[39].hex):incidents/3/39.md"], in: repository.gitDirectory)
        #expect(text == String(repeating: "line 9\n", count: 50))
    }
}

/// Packs pile up one per batch and are merged by size class.
@Suite struct PackMergeTests {
    @Test func eightPacksOfOneSizeClassBecomeOne() {
        var shelf = PackShelf()
        for index in 0..<7 { shelf.add("small\(index)", objects: 20) }
        shelf.add("large", objects: 600)
        #expect(shelf.nextMerge() == nil, "seven of a class, and one of another")
        shelf.add("small7", objects: 20)
        #expect(shelf.nextMerge().map(Set.init) == Set((0..<8).map { "small\($0)" }))
        shelf.replace((0..<8).map { "small\($0)" }, with: "merged", objects: 160)
        #expect(shelf.nextMerge() == nil)
    }

    /// Many small batches: the pack count stays bounded, every commit stays readable through the
    /// writer's handle and a new one, and git finds the repository sound.
    @Test func manyBatchesLeaveFewPacksAndEveryObjectReadable() throws {
        try #require(GitCLI.isAvailable)
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let log = try AuditLog(repository: repository)
        var commits: [ObjectID] = []
        for batch in 0..<150 {
            commits += try log.append { _ in
                ([AuditEntry(changes: [.write(path: "events/\(batch % 7)/\(batch).md", contents: Data("event \(batch)\n".utf8))],
                             message: "Event \(batch)", author: People.alice)], ())
            }.commits
        }
        // Merges run on threads of their own and put themselves in place when they end.
        let packFolder = repository.gitDirectory + "/objects/pack"
        var names: [String] = []
        for _ in 0..<200 {
            names = try FileManager.default.contentsOfDirectory(atPath: packFolder)
            if names.filter({ $0.hasSuffix(".idx") }).count < 16, !names.contains(where: { $0.hasPrefix("tmp_") }) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(names.filter { $0.hasSuffix(".idx") }.count < 16, "150 batches left \(names.filter { $0.hasSuffix(".idx") }.count) packs")
        #expect(!names.contains { $0.hasPrefix("tmp_") })
        for (batch, commit) in commits.enumerated() {
            #expect(try log.repository.readFile("events/\(batch % 7)/\(batch).md", at: commit) == Data("event \(batch)\n".utf8))
        }
        let fresh = try Repository.open(repository.gitDirectory)
        #expect(try fresh.readFile("events/0/0.md", at: commits[149]) == Data("event 0\n".utf8))
        try GitCLI.run(["fsck", "--strict", "--no-dangling"], in: repository.gitDirectory)
        #expect(try GitCLI.run(["rev-list", "--count", "audit"], in: repository.gitDirectory) == "150\n")
    }

    /// Eight packs whose objects add up to PackShelf.deltasFrom or more become one pack with deltas:
    /// git reads it, finds deltas in it, and every file reads back through the writer's handle.
    @Test func largeMergesStoreDeltas() throws {
        try #require(GitCLI.isAvailable)
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let log = try AuditLog(repository: repository)
        var last: ObjectID?
        for batch in 0..<8 {  // ~600 objects each: one size class, 4,800 in all
            let entries = (0..<150).map { index in
                AuditEntry(changes: [.write(path: "runs/\(index % 5)/\(batch)-\(index).log",
                                            contents: Data(String(repeating: "step \(index) of batch \(batch) ok\n", count: 20).utf8))],
                           message: "Event \(batch)-\(index)", author: People.alice)
            }
            last = try log.append { _ in (entries, ()) }.commits.last
        }
        let packFolder = repository.gitDirectory + "/objects/pack"
        var indexes: [String] = []
        for _ in 0..<400 {
            let names = try FileManager.default.contentsOfDirectory(atPath: packFolder)
            indexes = names.filter { $0.hasSuffix(".idx") }
            if indexes.count == 1, !names.contains(where: { $0.hasPrefix("tmp_") }) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(indexes.count == 1, "eight packs merged into one: \(indexes)")
        let listing = try GitCLI.run(["verify-pack", "-v", "objects/pack/\(indexes[0])"], in: repository.gitDirectory)
        let deltas = listing.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            .filter { ["blob", "tree", "commit"].contains($0.dropFirst().first) && $0.count == 7 }
        #expect(deltas.count > 1000, "\(deltas.count) objects stored as deltas")
        try GitCLI.run(["fsck", "--strict", "--no-dangling"], in: repository.gitDirectory)
        let text = try log.repository.readFile("runs/4/7-149.log", at: try #require(last))
        #expect(text == Data(String(repeating: "step 149 of batch 7 ok\n", count: 20).utf8))
    }

    /// Writers that stopped (or were killed) before their packs were merged leave them behind; a long-running writer
    /// merges what it finds on disk, so restarts do not pile packs up. A `.keep` pack is left alone, and a killed
    /// writer's old temporary file is removed.
    @Test func packsLeftByEarlierWritersAreMerged() throws {
        try #require(GitCLI.isAvailable)
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let packFolder = repository.gitDirectory + "/objects/pack"
        var commits: [ObjectID] = []
        // Four writers, five batches each: fewer than a merge's worth of packs per writer.
        for writer in 0..<4 {
            let log = try AuditLog(repository: repository)
            for batch in 0..<5 {
                commits += try log.append { _ in
                    ([AuditEntry(changes: [.write(path: "events/\(writer)/\(batch).md", contents: Data("event \(writer).\(batch)\n".utf8))],
                                 message: "Event \(writer).\(batch)", author: People.alice)], ())
                }.commits
            }
        }
        let indexes = { try FileManager.default.contentsOfDirectory(atPath: packFolder).filter { $0.hasSuffix(".idx") } }
        #expect(try indexes().count == 20)
        let kept = try #require(try indexes().first).dropFirst(5).dropLast(4)
        FileManager.default.createFile(atPath: packFolder + "/pack-\(kept).keep", contents: Data())
        let abandoned = packFolder + "/tmp_pack_0123"
        FileManager.default.createFile(atPath: abandoned, contents: Data("half a pack".utf8))
        try FileManager.default.setAttributes([.modificationDate: Date() - 7200], ofItemAtPath: abandoned)

        let server = try AuditLog(repository: repository)
        try server.repository.mergePacksOnDisk()
        var names: [String] = []
        for _ in 0..<200 {
            names = try FileManager.default.contentsOfDirectory(atPath: packFolder)
            if names.filter({ $0.hasSuffix(".idx") }).count <= 6, !names.contains(where: { $0.hasPrefix("tmp_") }) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let left = names.filter { $0.hasSuffix(".idx") }
        // 19 small packs: two merges of eight, three too few for a third, and the kept one.
        #expect(left.count == 6, "19 packs of earlier writers merged eight at a time, the kept one left: \(left)")
        #expect(left.contains("pack-\(kept).idx"))
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        try GitCLI.run(["fsck", "--strict", "--no-dangling"], in: repository.gitDirectory)
        for (index, commit) in commits.enumerated() {
            #expect(try server.repository.readFile("events/\(index / 5)/\(index % 5).md", at: commit) == Data("event \(index / 5).\(index % 5)\n".utf8))
        }
    }
}
