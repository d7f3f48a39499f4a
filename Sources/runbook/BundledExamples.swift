import Foundation
import Wiki

/// The example wiki that ships with the project (`wiki/` in the source tree).
enum BundledExamples {
    /// Creates a wiki repository at `path` holding the bundled examples in one commit; with `publishingKey`, the data
    /// directory's audit signing key is published in `config/audit-signers` (the embedded wiki, which lives there).
    ///
    /// - Returns: the repository and how many runbooks it holds.
    static func seed(at path: String, bare: Bool = false, publishingKey: Bool = false) throws -> (Repository, Int) {
        let source = try directory()
        let files = try filesBelow(source) + (publishingKey ? [(AllowedSigners.path, Data(try publishedKey().utf8))] : [])
        let repository = try Repository.create(at: path, bare: bare)
        let author = Signature(name: "runbook", email: "runbook@localhost")
        try repository.commit(
            changes: files.map { .write(path: $0.path, contents: $0.contents) },
            to: repository.currentBranch() ?? "main",
            expectedParent: nil,
            author: author,
            message: "Seed the wiki with the bundled example runbooks"
        )
        try repository.checkOutHead()
        return (repository, files.filter { $0.path.hasPrefix("runbooks/") && $0.path.hasSuffix(".md") }.count)
    }

    /// `config/audit-signers` with the data directory's key, which the seeding commit publishes: a wiki created here
    /// is served with this data directory.
    private static func publishedKey() throws -> String {
        """
        # The keys that sign the audit branch, in OpenSSH's allowed-signers format (docs/audit.md).
        # When the key is replaced, keep the old line with valid-before="YYYYMMDD" so the commits it signed still verify.
        \(AuditSigning.signersLine(for: try AuditSigning.key(seeding: true)))

        """
    }

    /// The bundled `wiki/` folder.
    ///
    /// Looked up in order: `$RUNBOOK_EXAMPLES`, `<prefix>/share/runbook/wiki` next to an
    /// installed binary, then the source tree this binary was built from.
    static func directory() throws -> URL {
        let environment = ProcessInfo.processInfo.environment["RUNBOOK_EXAMPLES"].map { URL(fileURLWithPath: $0) }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let installed = executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/runbook/wiki")
        // This file is Sources/runbook/BundledExamples.swift; the project root is three levels up.
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("wiki")
        let candidates = [environment, installed, source].compactMap { $0 }
        guard let found = candidates.first(where: { isDirectory($0.appendingPathComponent("runbooks")) }) else {
            throw CLIError("cannot find the bundled example wiki (looked in \(candidates.map(\.path).joined(separator: ", "))); set RUNBOOK_EXAMPLES")
        }
        return found
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Regular files below `root`, as paths relative to it, sorted.
    private static func filesBelow(_ root: URL) throws -> [(path: String, contents: Data)] {
        let rootPath = root.standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(atPath: rootPath) else {
            throw CLIError("cannot read \(rootPath)")
        }
        var files: [(String, Data)] = []
        while let relative = enumerator.nextObject() as? String {
            let full = (rootPath as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files.append((relative, try Data(contentsOf: URL(fileURLWithPath: full))))
        }
        return files.sorted { $0.0 < $1.0 }
    }
}
