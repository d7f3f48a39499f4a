import Foundation
import Testing
import Wiki

@Suite struct GitErrorTests {
    @Test func carriesTheFunctionAndMessage() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let missing = try #require(ObjectID(hex: String(repeating: "de", count: 20)))
        let error = try #require(throws: GitError.self) { try repository.commit(missing) }
        #expect(error.function == "git_commit_lookup")
        #expect(error.code == -3)
        #expect(!error.message.isEmpty)
        #expect(error.description == "git_commit_lookup failed (code -3): \(error.message)")
        #expect(throws: GitError.self) { try repository.readBlob(missing) }
    }

    @Test func wikiErrorsDescribeThemselves() throws {
        let id = try #require(ObjectID(hex: String(repeating: "ab", count: 20)))
        #expect(WikiError.branchMoved(branch: "audit", expected: nil, actual: id).description
            == "branch 'audit' moved: expected no branch, found abababa")
        #expect(WikiError.fileNotFound(path: "a.md", commit: id).description == "file 'a.md' not found at commit abababa")
    }
}
