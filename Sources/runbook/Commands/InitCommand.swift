import ArgumentParser
import Foundation

/// `runbook init [PATH]`: a new wiki repository seeded with the bundled examples.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a wiki git repository seeded (one commit) with the bundled example runbooks."
    )

    @Argument(help: ArgumentHelp("Where to create it (default: the embedded wiki, $RUNBOOK_HOME/wiki).", valueName: "path"))
    var path: String?

    @Flag(help: "Create a bare repository (no work tree), as a server-side wiki.")
    var bare = false

    func run() throws {
        let target = path ?? DataDirectory.current.wiki
        if FileManager.default.fileExists(atPath: target), (try? FileManager.default.contentsOfDirectory(atPath: target).isEmpty) != true {
            throw CLIError("\(target) already exists and is not an empty directory; init only creates new wikis")
        }
        let (repository, count) = try BundledExamples.seed(at: target, bare: bare)
        let head = try repository.resolve("HEAD")
        Console.out("Initialized wiki at \(target): \(count) runbooks in commit \(head.short)")
    }
}
