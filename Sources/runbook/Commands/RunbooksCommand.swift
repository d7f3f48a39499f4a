import ArgumentParser
import Runbooks
import Wiki

/// `runbook runbooks list|show`: the runbooks of the wiki as the server sees them.
struct RunbooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbooks",
        abstract: "List the wiki's runbooks or show one as parsed into steps.",
        subcommands: [List.self, Show.self]
    )

    /// `runbook runbooks list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the runbooks at the wiki's head, broken ones included.")

        @OptionGroup var wikiOptions: WikiOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let library = try wikiOptions.library()
            if json {
                try Console.json(library.pages.map(RunbookSummary.init))
                return
            }
            Console.out(RunbookText.table(library))
        }
    }

    /// `runbook runbooks show ID`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a runbook's steps, attributes, parameters and matchers.")

        @OptionGroup var wikiOptions: WikiOptions

        @Argument(help: ArgumentHelp("The runbook's id (disk-full) or path (runbooks/disk-full.md).", valueName: "id"))
        var id: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let library = try wikiOptions.library()
            guard let runbook = library.runbook(id) else {
                throw Self.notFound(id, in: library)
            }
            if json {
                try Console.json(ShownRunbook(commit: library.commit.hex, runbook: runbook))
            } else {
                Console.out(RunbookText.detail(runbook, commit: library.commit))
            }
        }

        /// Why `id` is not there: a page with errors, or no such page.
        static func notFound(_ id: String, in library: RunbookLibrary) -> CLIError {
            if let page = library.page(id) {
                let problems = page.diagnostics.filter { $0.severity == .error }.map { "  \($0)" }
                return CLIError("runbook '\(id)' does not load at \(library.commit.short):\n" + problems.joined(separator: "\n"))
            }
            let known = library.runbooks.map(\.id).joined(separator: ", ")
            return CLIError("no runbook '\(id)' at \(library.commit.short) (known: \(known.isEmpty ? "none" : known))")
        }
    }
}
