import ArgumentParser

/// `runbook`: the server and its command-line client in one binary.
@main
struct RunbookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbook",
        abstract: "Incident and runbook automation with a git repository as its storage.",
        discussion: """
            Runbooks are Markdown pages under runbooks/ in a git repository (the wiki). Without \
            --wiki or RUNBOOK_WIKI, commands use the git work tree you are in when its top level has \
            runbooks/, else the embedded wiki under RUNBOOK_HOME (default ./.runbook), created from \
            the bundled examples on first use.
            """,
        subcommands: [ServeCommand.self, InitCommand.self, LintCommand.self, RunbooksCommand.self, MatchCommand.self, IncidentsCommand.self, TriggerCommand.self, RunsCommand.self, EventsCommand.self, AuditCommand.self, DetectCommand.self, TokensCommand.self, OnCallCommand.self, NotifyCommand.self, SilencesCommand.self, RunCommand.self, HostsCommand.self, SecretsCommand.self]
    )

    /// ArgumentParser's `main`, except that a misspelt command is named as one, with the nearest real one.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        var command: any ParsableCommand
        do {
            command = try await asyncParseAsRoot(arguments)
        } catch {
            // Only once parsing failed, so that no valid command line is ever second-guessed.
            UnknownCommand(in: arguments, root: self)?.exit(root: self)
            exit(withError: error)
        }
        do {
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
