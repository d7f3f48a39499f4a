import ArgumentParser
import Executor
import Foundation

/// `runbook secrets`: the data directory's named secrets, for `from: secret.NAME` parameters, inventory keys and
/// the on-call files' `secret:` references.
struct SecretsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets",
        abstract: "Set, list and remove the secrets steps and hosts use (kept in RUNBOOK_HOME/secrets, never in the wiki).",
        discussion: """
            Values are read from standard input, never from arguments (which other users see in ps and shells keep \
            in their history). A one-line value loses its final newline; a value of several lines (a private key) \
            is kept byte for byte. The server reads a step's secrets when the run starts, so a change applies to \
            the next run.
            """,
        subcommands: [Set.self, List.self, Remove.self]
    )

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store a secret, read from standard input.",
                                                        discussion: "runbook secrets set ssh-key < ~/.ssh/runbook_ed25519")
        @Argument(help: "The secret's name: lowercase letters, digits, '.', '_' and '-'.") var name: String

        func run() throws {
            if isatty(STDIN_FILENO) == 1 { Console.note("type the value of \(name), then Ctrl-D on a line of its own:") }
            var value = FileHandle.standardInput.readDataToEndOfFile()
            if value.last == UInt8(ascii: "\n"), value.dropLast().firstIndex(of: UInt8(ascii: "\n")) == nil { value.removeLast() }
            guard !value.isEmpty else { throw CLIError("no value on standard input: nothing stored") }
            let store = SecretStore(dataDirectory: DataDirectory.current.path)
            try store.set(name, to: value)
            Console.note("stored \(name) (\(value.count) bytes) in \(store.directory)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the secrets' names and sizes, never their values.")

        func run() throws {
            let entries = SecretStore(dataDirectory: DataDirectory.current.path).list()
            let format = ISO8601DateFormatter()
            Console.out(TextTable.columns([["NAME", "BYTES", "CHANGED"]] + entries.map { [$0.name, "\($0.bytes)", format.string(from: $0.modified)] }))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a secret.")
        @Argument var name: String

        func run() throws {
            guard try SecretStore(dataDirectory: DataDirectory.current.path).remove(name) else { throw CLIError("no secret named '\(name)'") }
            Console.note("removed \(name)")
        }
    }
}
