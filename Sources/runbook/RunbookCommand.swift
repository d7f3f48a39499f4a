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
        subcommands: [ServeCommand.self, InitCommand.self, LintCommand.self, RunbooksCommand.self, MatchCommand.self, IncidentsCommand.self, TriggerCommand.self, RunsCommand.self, EventsCommand.self, AuditCommand.self, DetectCommand.self, TokensCommand.self, OnCallCommand.self, NotifyCommand.self, SilencesCommand.self]
    )
}
