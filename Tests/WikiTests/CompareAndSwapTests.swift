import Foundation
import Testing
import Wiki

@Suite struct CompareAndSwapTests {
    private func event(_ name: String) -> [FileChange] {
        [.write(path: "events/\(name).json", contents: Data(name.utf8))]
    }

    @Test func secondWriterOnTheSameInstanceLoses() throws {
        let scratch = try Scratch()
        let repository = try Repository.create(at: scratch.path("wiki"), bare: true)
        let head = try repository.commit(changes: event("0"), to: "audit", expectedParent: nil, author: People.alice, message: "Start")
        // Both writers read the head, then A commits first.
        let seenByA = try #require(try repository.branchHead("audit"))
        let seenByB = try #require(try repository.branchHead("audit"))
        let a = try repository.commit(changes: event("a"), to: "audit", expectedParent: seenByA, author: People.alice, message: "A")
        #expect(throws: WikiError.branchMoved(branch: "audit", expected: head, actual: a)) {
            try repository.commit(changes: event("b"), to: "audit", expectedParent: seenByB, author: People.bob, message: "B")
        }
        #expect(try repository.branchHead("audit") == a)
        #expect(try repository.history("audit").map(\.summary) == ["A", "Start"])
    }

    @Test func secondWriterOnAnotherInstanceLoses() throws {
        let scratch = try Scratch()
        let path = scratch.path("wiki")
        let writerA = try Repository.create(at: path)
        let writerB = try Repository.open(path)
        let head = try writerA.write(["runbooks/a.md": "a"])
        let seenByB = try #require(try writerB.branchHead("main"))
        let a = try writerA.commit(changes: event("a"), to: "main", expectedParent: head, author: People.alice, message: "A")
        #expect(throws: WikiError.branchMoved(branch: "main", expected: head, actual: a)) {
            try writerB.commit(changes: event("b"), to: "main", expectedParent: seenByB, author: People.bob, message: "B")
        }
        #expect(try writerA.branchHead("main") == a)
        #expect(try writerB.branchHead("main") == a)
        // B recovers by re-reading the head.
        let b = try writerB.commit(changes: event("b"), to: "main", expectedParent: a, author: People.bob, message: "B")
        #expect(try writerA.commit(b).parents == [a])
    }

    @Test func concurrentWritersNeverLoseACommit() async throws {
        let scratch = try Scratch()
        let path = scratch.path("wiki.git")
        let repository = try Repository.create(at: path, bare: true)
        try repository.commit(changes: [], to: "audit", expectedParent: nil, author: People.alice, message: "Start")
        let writers = 4
        let eventsPerWriter = 5
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    // Half the writers share the instance, half open their own, like separate processes.
                    let own = writer.isMultiple(of: 2) ? repository : try Repository.open(path)
                    for index in 0..<eventsPerWriter {
                        try Self.appendWithRetry(own, name: "\(writer)-\(index)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let history = try repository.history("audit")
        #expect(history.count == writers * eventsPerWriter + 1)
        let head = try #require(try repository.branchHead("audit"))
        #expect(try repository.files(at: head, under: "events").count == writers * eventsPerWriter)
    }

    /// The append-only writer's loop: read the head, commit on it, retry when another writer won.
    private static func appendWithRetry(_ repository: Repository, name: String) throws {
        while true {
            do {
                let head = try repository.branchHead("audit")
                try repository.commit(
                    changes: [.write(path: "events/\(name).json", contents: Data(name.utf8))], to: "audit", expectedParent: head,
                    author: People.alice, message: "Event \(name)", trailers: [Trailer("Event", name)])
                return
            } catch WikiError.branchMoved {
                continue
            } catch let error as GitError where error.code == -14 {
                continue  // GIT_ELOCKED: another instance holds the ref's lock file right now.
            }
        }
    }
}
