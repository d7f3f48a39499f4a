import Foundation
import Testing
import Wiki

/// A unique temporary directory, removed when the value goes away.
final class Scratch {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wiki-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A path inside the directory.
    func path(_ name: String) -> String {
        root + "/" + name
    }
}

/// Fixed identities and times, so commits are reproducible.
enum People {
    static let alice = Signature(name: "Alice", email: "alice@example.com", time: Date(timeIntervalSince1970: 1_700_000_000))
    static let bob = Signature(name: "Bob", email: "bob@example.com", time: Date(timeIntervalSince1970: 1_700_000_100))
}

extension Repository {
    /// Commits `files` (path → text) on top of the current head of `branch`.
    @discardableResult
    func write(
        _ files: [String: String], deleting deleted: [String] = [], to branch: String = "main", message: String = "Update"
    ) throws -> ObjectID {
        let writes = files.sorted { $0.key < $1.key }.map { FileChange.write(path: $0.key, contents: Data($0.value.utf8)) }
        return try commit(
            changes: writes + deleted.map { FileChange.delete(path: $0) }, to: branch, expectedParent: try branchHead(branch),
            author: People.alice, message: message)
    }

    /// A file's text at a commit.
    func text(_ path: String, at commit: ObjectID) throws -> String {
        String(decoding: try readFile(path, at: commit), as: UTF8.self)
    }
}

/// The git command-line tool, used to check that what this module writes is ordinary git.
enum GitCLI {
    static let path = "/usr/bin/git"

    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: path)
    }

    /// Runs git in `directory` and returns its standard output; throws when git fails.
    @discardableResult
    static func run(_ arguments: [String], in directory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_AUTHOR_NAME"] = "Test"
        environment["GIT_AUTHOR_EMAIL"] = "test@example.com"
        environment["GIT_COMMITTER_NAME"] = "Test"
        environment["GIT_COMMITTER_EMAIL"] = "test@example.com"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GitCLIFailure(arguments: arguments, status: process.terminationStatus)
        }
        return String(decoding: data, as: UTF8.self)
    }
}

struct GitCLIFailure: Error {
    let arguments: [String]
    let status: Int32
}
