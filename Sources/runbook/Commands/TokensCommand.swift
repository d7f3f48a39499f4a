import ArgumentParser
import Foundation
import RunbookServer

/// `runbook tokens`: the server's API tokens.
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Add, list and remove the server's API tokens (stored as hashes; the server rereads the file on change).",
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct FileOption: ParsableArguments {
        @Option(help: ArgumentHelp("The token file ($RUNBOOK_TOKEN_FILE, default RUNBOOK_HOME/tokens).", valueName: "path"))
        var tokenFile: String?

        func open() throws -> TokenFile {
            try TokenFile(path: tokenFile ?? ProcessInfo.processInfo.environment["RUNBOOK_TOKEN_FILE"] ?? DataDirectory.current.path + "/tokens")
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token; its secret is printed once and never stored.")
        @OptionGroup var file: FileOption
        @Argument(help: "The token's name: the actor recorded in the audit trail.") var name: String
        @Option(help: "What the token may do; each role may do all that the ones before it may.") var role: Role = .responder

        func run() throws {
            Console.out(try file.open().add(name: name, role: role))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List token names and roles.")
        @OptionGroup var file: FileOption

        func run() throws {
            Console.out(TextTable.columns([["NAME", "ROLE"]] + (try file.open().entries.map { [$0.name, $0.role.rawValue] })))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token.")
        @OptionGroup var file: FileOption
        @Argument var name: String

        func run() throws {
            guard try file.open().remove(name: name) else { throw CLIError("no token named '\(name)'") }
            Console.out("removed \(name)")
        }
    }
}
