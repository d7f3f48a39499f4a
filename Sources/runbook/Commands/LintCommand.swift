import ArgumentParser
import Foundation
import OnCall
import Runbooks
import Wiki

/// `runbook lint`: check runbooks, report `file:line: message`, exit 1 on any error.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check runbooks and on-call files; print file:line: message for each problem; exit 1 if any is an error.",
        discussion: """
            With FILEs, checks those files; each file's runbook path is taken relative to the git \
            work tree that holds it (else the current directory), so it must lie under runbooks/. \
            Without FILEs, checks every runbook of the wiki (--wiki, $RUNBOOK_WIKI, the git work tree \
            you are in if it has runbooks/, else the embedded wiki): the files in its work tree as they \
            are on disk, uncommitted edits included (what is about to be committed, as a wiki's own CI \
            wants), or with --revision or in a bare repository, the committed ones; and with them the \
            on-call files (oncall/, config/oncall.yaml) and each runbook's escalation policy, and the \
            inventory (config/inventory.yaml, config/known_hosts) and the hosts steps name, and the audit \
            signers (config/audit-signers). A line on \
            stderr says what was checked.
            """
    )

    @OptionGroup var wikiOptions: WikiOptions

    @Argument(help: ArgumentHelp("Runbook files to check (default: every runbook of the wiki).", valueName: "file"))
    var files: [String] = []

    @Flag(help: "Print the diagnostics as JSON.")
    var json = false

    func run() throws {
        let (pages, source) = files.isEmpty ? try wikiPages() : (files.map(Self.page(forFile:)), nil)
        var diagnostics = pages.flatMap(\.diagnostics)
        var onCallFiles = 0
        if files.isEmpty {
            let found = try wikiOptions.onCallFiles()
            let (config, findings) = OnCallConfig.load(files: found, now: Date())
            onCallFiles = found.count
            diagnostics += findings + config.check(pages.compactMap(\.runbook))
            let (inventory, inventoryFindings) = try wikiOptions.inventoryForLint()
            diagnostics += inventoryFindings + inventory.check(pages.compactMap(\.runbook))
            diagnostics += try wikiOptions.auditSignersForLint()
        }
        if json {
            try Console.json(diagnostics)
        } else {
            diagnostics.forEach { Console.out($0.description) }
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        let others = onCallFiles > 0 ? " and \(onCallFiles) on-call file\(onCallFiles == 1 ? "" : "s")" : ""
        let counted = "\(pages.count) runbook\(pages.count == 1 ? "" : "s")\(others)"
        // Which wiki, and whether its work tree or a commit, since without --wiki that depends on where it ran.
        let what = source.map { "\($0) (\(counted))" } ?? counted
        Console.note("checked \(what): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        if errors > 0 { throw ExitCode(1) }
    }

    /// The wiki's runbooks: from the work tree when there is one and no revision was asked for; with what they were
    /// read from (`the work tree of /path`, `/path at HEAD (1a2b3c4)`).
    private func wikiPages() throws -> ([ParsedRunbook], source: String?) {
        let repository = try wikiOptions.openRepository()
        guard wikiOptions.revision == nil, let workTree = repository.workTree else {
            let commit = try wikiOptions.commit(in: repository)
            let pages = try RunbookLibrary.load(from: repository, at: commit).pages
            return (pages, "\(repository.workTree ?? repository.gitDirectory) at \(wikiOptions.revision ?? "HEAD") (\(commit.short))")
        }
        let root = URL(fileURLWithPath: workTree)
        let pages = Self.markdownFiles(below: root.appendingPathComponent(RunbookLibrary.directory)).map { url in
            Self.page(forFile: url.path, relativeTo: root)
        }
        return (pages, "the work tree of \(workTree)")
    }

    /// Parses one file from disk, as the runbook at its path in the enclosing wiki.
    private static func page(forFile file: String) -> ParsedRunbook {
        let url = URL(fileURLWithPath: file).standardizedFileURL
        let root = WorkTree.enclosing(url.deletingLastPathComponent()) ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return page(forFile: url.path, relativeTo: root)
    }

    private static func page(forFile file: String, relativeTo root: URL) -> ParsedRunbook {
        let path = relativePath(of: URL(fileURLWithPath: file).standardizedFileURL, to: root.standardizedFileURL)
        do {
            return RunbookParser.parse(try Data(contentsOf: URL(fileURLWithPath: file)), path: path)
        } catch {
            let reason = (error as NSError).localizedDescription
            return ParsedRunbook(path: path, runbook: nil, diagnostics: [
                Diagnostic(file: path, line: 1, severity: .error, message: "cannot read the file: \(reason)"),
            ])
        }
    }

    /// `file` relative to `root`, with `..` components when it lies outside.
    private static func relativePath(of file: URL, to root: URL) -> String {
        let fileParts = file.pathComponents
        let rootParts = root.pathComponents
        let common = zip(fileParts, rootParts).prefix { $0 == $1 }.count
        let ups = Array(repeating: "..", count: rootParts.count - common)
        return (ups + fileParts[common...]).joined(separator: "/")
    }

    /// Every `.md` file below `folder`, sorted.
    private static func markdownFiles(below folder: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return enumerator.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "md" && (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .sorted { $0.path < $1.path }
    }
}
