import Foundation
import Testing
import Wiki

@Suite struct RepositoryTests {
    @Test func createAndOpenNonBare() throws {
        let scratch = try Scratch()
        let path = scratch.path("nested/wiki")
        let created = try Repository.create(at: path)
        #expect(!created.isBare)
        #expect(created.workTree?.hasSuffix("nested/wiki") == true)
        #expect(created.gitDirectory.hasSuffix("nested/wiki/.git"))
        #expect(try created.currentBranch() == "main")
        #expect(try created.branchHead("main") == nil)

        let opened = try Repository.open(path)
        #expect(opened.gitDirectory == created.gitDirectory)
        #expect(opened.workTree == created.workTree)
        let viaGitDirectory = try Repository.open(path + "/.git")
        #expect(viaGitDirectory.workTree == created.workTree)
    }

    @Test func createAndOpenBare() throws {
        let scratch = try Scratch()
        let path = scratch.path("wiki.git")
        let created = try Repository.create(at: path, bare: true, initialBranch: "trunk")
        #expect(created.isBare)
        #expect(created.workTree == nil)
        #expect(try created.currentBranch() == "trunk")
        let opened = try Repository.open(path)
        #expect(opened.isBare)
        #expect(try opened.currentBranch() == "trunk")
    }

    @Test func createRefusesAnExistingRepository() throws {
        let scratch = try Scratch()
        _ = try Repository.create(at: scratch.path("wiki"))
        #expect(throws: GitError.self) { try Repository.create(at: scratch.path("wiki")) }
    }

    @Test func createRejectsInvalidInitialBranch() throws {
        let scratch = try Scratch()
        #expect(throws: WikiError.invalidBranchName("bad..name")) {
            try Repository.create(at: scratch.path("wiki"), initialBranch: "bad..name")
        }
    }

    @Test func openingANonRepositoryFails() throws {
        let scratch = try Scratch()
        let plain = scratch.path("plain")
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        #expect(throws: WikiError.notARepository(path: plain)) { try Repository.open(plain) }
        let missing = scratch.path("missing")
        #expect(throws: WikiError.notARepository(path: missing)) { try Repository.open(missing) }
        #expect(WikiError.notARepository(path: "/x/foo").description
            == "/x/foo is not a git repository (run `runbook init PATH` to create one)")
    }

    @Test func openDoesNotSearchParentDirectories() throws {
        let scratch = try Scratch()
        _ = try Repository.create(at: scratch.path("wiki"))
        let inside = scratch.path("wiki/runbooks")
        try FileManager.default.createDirectory(atPath: inside, withIntermediateDirectories: true)
        #expect(throws: WikiError.notARepository(path: inside)) { try Repository.open(inside) }
    }

    @Test func currentBranchIsNilWhenDetached() throws {
        try #require(GitCLI.isAvailable)
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"))
        let head = try repository.write(["a.md": "a"])
        try GitCLI.run(["checkout", "-q", "--detach", head.hex], in: scratch.path("wiki"))
        #expect(try repository.currentBranch() == nil)
    }

    @Test func objectIDParsesAndEncodes() throws {
        let hex = String(repeating: "ab", count: 20)
        let id = try #require(ObjectID(hex: hex.uppercased()))
        #expect(id.hex == hex)
        #expect(id.short == "abababa")
        #expect(ObjectID(hex: "abc") == nil)
        #expect(ObjectID(hex: String(repeating: "g", count: 40)) == nil)
        let json = try JSONEncoder().encode([id])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(hex)\"]")
        #expect(try JSONDecoder().decode([ObjectID].self, from: json) == [id])
    }
}
