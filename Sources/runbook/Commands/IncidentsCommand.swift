import ArgumentParser
import Foundation
import ITIL
import RunbookAPI

/// `runbook incidents ...`: open, list, show, work and resolve incidents on the audit branch.
struct IncidentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "Open, list, show, work and resolve incidents; every change is a commit on the audit branch.",
        subcommands: [Open.self, List.self, Show.self, Transition.self, Note.self, Acknowledge.self, Snooze.self, Sweep.self]
    )

    /// `runbook incidents open`.
    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open an incident, or add an occurrence to the open one for the same alert.",
            discussion: """
                With --label, the labels identify the alert (a fingerprint of the label set, like \
                Alertmanager's): while an incident for it is open, opening again adds an occurrence. \
                --dedup-key gives the identity explicitly. Urgency comes from --urgency, else from the \
                severity label (critical 1, error/warning 2, info 3).
                """
        )

        @OptionGroup var api: ClientOptions

        @Option(help: "One line saying what is wrong.")
        var summary: String

        @Option(help: "Longer text.")
        var description = ""

        @Option(name: .customLong("label"), help: ArgumentHelp("A label of the alert (repeat for more).", valueName: "key=value"))
        var labels: [String] = []

        @Option(help: ArgumentHelp("Identity for dedup (default: a fingerprint of the labels, if any).", valueName: "key"))
        var dedupKey: String?

        @Option(help: "How widely it hurts (default 2).")
        var impact: Impact?

        @Option(help: "How soon it needs work (default: from the severity label, else 2).")
        var urgency: Urgency?

        @Option(help: "The service (configuration item) affected.")
        var service: String?

        @Option(help: "Category.")
        var category: String?

        @Flag(help: "Print the incident as JSON.")
        var json = false

        func validate() throws {
            _ = try LabelArguments.parse(labels)
        }

        func run() async throws {
            try await ClientCall.run {
                let body = APIBody.NewIncident(
                    shortDescription: summary, description: description.isEmpty ? nil : description,
                    labels: labels.isEmpty ? nil : try LabelArguments.parse(labels), dedupKey: dedupKey,
                    impact: impact?.value, urgency: urgency?.value, service: service, category: category)
                let opened = try await api.client().openIncident(body)
                let incident = opened.incident
                if json { return try Console.json(incident, encoder: IncidentRecordFile.makeJSONEncoder()) }
                if opened.created {
                    Console.out("opened \(incident.number) (P\(incident.priority.rawValue) \(incident.priority.title)): "
                        + Console.printable(incident.shortDescription))
                } else {
                    let count = incident.alerts.map(\.occurrences).max() ?? 0
                    Console.out("\(incident.number) is open for this alert: occurrence \(count) added")
                }
            }
        }
    }

    /// `runbook incidents list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List incidents, oldest first.")

        @OptionGroup var api: ClientOptions

        @Option(help: ArgumentHelp("Only these states (comma-separated), or `open` for New, In Progress and On Hold.", valueName: "state"))
        var state: IncidentStateFilter?

        @Option(help: ArgumentHelp("Only this priority.", valueName: "n"))
        var priority: Priority?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await ClientCall.run {
                let client = try api.client()
                let query = IncidentQuery(states: state?.states, priorities: priority.map { [$0.rawValue] })
                let summaries = try await client.allIncidents(query)
                if json {
                    var incidents: [Incident] = []
                    for summary in summaries {
                        if let number = IncidentNumber(parsing: summary.number) { incidents.append(try await client.incident(number)) }
                    }
                    return try Console.json(incidents, encoder: IncidentRecordFile.makeJSONEncoder())
                }
                Console.out(IncidentText.table(summaries.map { summary in
                    IncidentText.Row(number: summary.number, state: IncidentState(rawValue: summary.state)?.title ?? summary.state,
                                     priority: summary.priority, openedAt: summary.openedAt, summary: summary.shortDescription)
                }))
            }
        }
    }

    /// `runbook incidents show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an incident's record and timeline.")

        @OptionGroup var api: ClientOptions

        @Argument(help: ArgumentHelp("The incident, e.g. INC0000042.", valueName: "number"))
        var number: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let number = try IncidentArgument.parse(number)
            try await ClientCall.run {
                let incident = try await api.client().incident(number)
                if json { return try Console.json(incident, encoder: IncidentRecordFile.makeJSONEncoder()) }
                Console.out(IncidentText.detail(incident))
            }
        }
    }

    /// `runbook incidents transition`.
    struct Transition: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an incident to another state.",
            discussion: """
                on-hold needs --reason; resolved needs --code and --notes. in-progress on a Resolved \
                incident reopens it.
                """
        )

        @OptionGroup var api: ClientOptions

        @Argument(help: ArgumentHelp("The incident, e.g. INC0000042.", valueName: "number"))
        var number: String

        @Option(help: "The new state.")
        var to: IncidentState

        @Option(help: "The hold reason, with --to on-hold.")
        var reason: HoldReason?

        @Option(help: "The close code, with --to resolved.")
        var code: CloseCode?

        @Option(help: "Close notes with --to resolved; otherwise a note for the timeline.")
        var notes: String?

        func run() async throws {
            let number = try IncidentArgument.parse(number)
            try await ClientCall.run {
                let body = APIBody.Transition(state: to.rawValue, holdReason: reason?.rawValue, closeCode: code?.rawValue, closeNotes: notes)
                let incident = try await api.client().transition(number, body)
                Console.out("\(incident.number) is now \(incident.state.title)")
            }
        }
    }

    /// `runbook incidents note`.
    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a work note to an incident's timeline.")

        @OptionGroup var api: ClientOptions

        @Argument(help: ArgumentHelp("The incident, e.g. INC0000042.", valueName: "number"))
        var number: String

        @Argument(help: "The note.")
        var text: String

        func run() async throws {
            let number = try IncidentArgument.parse(number)
            try await ClientCall.run {
                let incident = try await api.client().note(number, text)
                Console.out("note added to \(incident.number)")
            }
        }
    }

    /// `runbook incidents acknowledge`.
    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Take an incident up: the response (its SLA clock stops); a New incident moves to In Progress.",
            discussion: "Escalation stops: nobody else is paged for it. `--undo` withdraws the acknowledgement and escalation "
                + "starts over from its first level.",
            aliases: ["acknowledge"])

        @OptionGroup var api: ClientOptions

        @Argument(help: ArgumentHelp("The incident, e.g. INC0000042.", valueName: "number"))
        var number: String

        @Flag(help: "Withdraw your acknowledgement instead.")
        var undo = false

        func run() async throws {
            let number = try IncidentArgument.parse(number)
            try await ClientCall.run {
                if undo {
                    let incident = try await api.client().unacknowledge(number)
                    Console.out("\(incident.number) no longer acknowledged; escalation starts over")
                } else {
                    let incident = try await api.client().acknowledge(number)
                    Console.out("\(incident.number) acknowledged; it is \(incident.state.title)")
                }
            }
        }
    }

    /// `runbook incidents snooze`.
    struct Snooze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Acknowledge an incident for a while: if it is still open when the time is up, escalation starts over.")

        @OptionGroup var api: ClientOptions

        @Argument(help: ArgumentHelp("The incident, e.g. INC0000042.", valueName: "number"))
        var number: String

        @Argument(help: ArgumentHelp("How long: 30m, 2h, 1d.", valueName: "duration"))
        var duration: SnoozeDuration

        func run() async throws {
            let number = try IncidentArgument.parse(number)
            try await ClientCall.run {
                let incident = try await api.client().snooze(number, for: duration.seconds)
                Console.out("\(incident.number) snoozed until \(incident.snoozedUntil.map(Timestamp.format) ?? "?")")
            }
        }
    }

    /// `runbook incidents sweep`.
    struct Sweep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record SLA breaches that are due and close Resolved incidents whose wait is over.",
            discussion: "The server does this as each deadline falls due; run it from cron when working with the CLI alone."
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var server: ServerOptions

        func run() async throws {
            if try server.httpClient() != nil {
                throw ServerOptions.unavailable("incidents sweep", because: "the server sweeps as deadlines fall due itself")
            }
            let changed = try await store.openStore().sweep()
            Console.out(changed.isEmpty ? "nothing due" : "updated " + changed.map(\.number.description).joined(separator: ", "))
        }
    }
}

/// A snooze's length on the command line: `30m`, `2h`, `1d`.
struct SnoozeDuration: ExpressibleByArgument {
    let seconds: TimeInterval

    init?(argument: String) {
        guard let seconds = DurationText.parse(argument), seconds > 0 else { return nil }
        self.seconds = seconds
    }

    static var defaultValueDescription: String { "30m" }
}

/// Parses an incident number argument with a message that says what is expected.
enum IncidentArgument {
    static func parse(_ text: String) throws -> IncidentNumber {
        guard let number = IncidentNumber(parsing: text) else {
            throw CLIError("'\(text)' is not an incident number (INC followed by 7 digits, e.g. INC0000042)")
        }
        return number
    }
}
