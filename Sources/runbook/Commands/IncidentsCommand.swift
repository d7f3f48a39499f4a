import ArgumentParser
import Foundation
import ITIL

/// `runbook incidents ...`: open, list, show, work and resolve incidents on the audit branch.
struct IncidentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "Open, list, show, work and resolve incidents; every change is a commit on the audit branch.",
        subcommands: [Open.self, List.self, Show.self, Transition.self, Note.self, Sweep.self]
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

        @OptionGroup var store: StoreOptions
        @OptionGroup var server: ServerOptions
        @OptionGroup var actor: ActorOption

        @Option(help: "One line saying what is wrong.")
        var summary: String

        @Option(help: "Longer text.")
        var description = ""

        @Option(name: .customLong("label"), help: ArgumentHelp("A label of the alert (repeat for more).", valueName: "key=value"))
        var labels: [String] = []

        @Option(help: ArgumentHelp("Identity for dedup (default: a fingerprint of the labels, if any).", valueName: "key"))
        var dedupKey: String?

        @Option(help: "1 high .. 3 low (default 2).")
        var impact: Int?

        @Option(help: "1 high .. 3 low (default: from the severity label, else 2).")
        var urgency: Int?

        @Option(help: "The service (configuration item) affected.")
        var service: String?

        @Option(help: "Category.")
        var category: String?

        @Flag(help: "Print the incident as JSON.")
        var json = false

        func validate() throws {
            _ = try LabelArguments.parse(labels)
            if let impact { _ = try Impact(impact) }
            if let urgency { _ = try Urgency(urgency) }
        }

        func run() async throws {
            if let client = try server.client() { return try await ServerCall.run { try await self.run(on: client) } }
            let labels = try LabelArguments.parse(labels)
            let alert = dedupKey.map { AlertKey(source: "cli", key: $0) } ?? (labels.isEmpty ? nil : AlertKey(source: "cli", labels: labels))
            let request = IncidentRequest(
                shortDescription: summary, description: description, category: category, service: service,
                impact: try impact.map { try Impact($0) }, urgency: try urgency.map { try Urgency($0) },
                severity: labels["severity"], labels: labels, alert: alert)
            let (incident, created) = try await store.openStore().open(request, actor: actor.actor)
            if json { return try Console.json(incident, encoder: IncidentRecordFile.makeJSONEncoder()) }
            if created {
                Console.out("opened \(incident.number) (P\(incident.priority.rawValue) \(incident.priority.title)): "
                    + Console.printable(incident.shortDescription))
            } else {
                let count = incident.alerts.first { $0.alertKey == alert }?.occurrences ?? 0
                Console.out("\(incident.number) is open for this alert: occurrence \(count) added")
            }
        }
    }

    /// `runbook incidents list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List incidents, oldest first.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var server: ServerOptions

        @Option(help: ArgumentHelp("Only this state, or `open` for New, In Progress and On Hold.", valueName: "state"))
        var state: String?

        @Option(help: ArgumentHelp("Only this priority (1-5).", valueName: "n"))
        var priority: Int?

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            if let state, state.lowercased() != "open", IncidentState(parsing: state) == nil {
                throw ValidationError("unknown state '\(state)'; use open or one of: \(IncidentState.spellings)")
            }
            if let priority, Priority(rawValue: priority) == nil {
                throw ValidationError("priority must be 1 to 5, got \(priority)")
            }
        }

        func run() async throws {
            if let client = try server.client() { return try await ServerCall.run { try await self.run(on: client) } }
            let wanted = state.flatMap { IncidentState(parsing: $0) }
            let onlyOpen = state?.lowercased() == "open"
            let incidents = try await store.openStore().incidents { incident in
                (wanted.map { incident.state == $0 } ?? true) && (!onlyOpen || incident.state.isOpen)
                    && (priority.map { incident.priority.rawValue == $0 } ?? true)
            }
            if json { return try Console.json(incidents, encoder: IncidentRecordFile.makeJSONEncoder()) }
            Console.out(IncidentText.table(incidents))
        }
    }

    /// `runbook incidents show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an incident's record and timeline.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var server: ServerOptions

        @Argument(help: ArgumentHelp("The incident, e.g. INC0000042.", valueName: "number"))
        var number: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            if let client = try server.client() { return try await ServerCall.run { try await self.run(on: client) } }
            let incident = try await store.openStore().incident(IncidentArgument.parse(number))
            if json { return try Console.json(incident, encoder: IncidentRecordFile.makeJSONEncoder()) }
            Console.out(IncidentText.detail(incident))
        }
    }

    /// `runbook incidents transition`.
    struct Transition: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an incident to another state.",
            discussion: """
                States: new, in-progress, on-hold (needs --reason: awaiting-caller, awaiting-change, \
                awaiting-problem, awaiting-vendor), resolved (needs --code and --notes), closed, canceled. \
                in-progress on a Resolved incident reopens it.
                """
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var server: ServerOptions
        @OptionGroup var actor: ActorOption

        @Argument(help: ArgumentHelp("The incident, e.g. INC0000042.", valueName: "number"))
        var number: String

        @Option(help: "The new state.")
        var to: String

        @Option(help: "The hold reason, with --to on-hold.")
        var reason: String?

        @Option(help: "The close code, with --to resolved (e.g. \"Solution provided\").")
        var code: String?

        @Option(help: "Close notes with --to resolved; otherwise a note for the timeline.")
        var notes: String?

        func run() async throws {
            let (state, hold, close) = try parsed()
            if let client = try server.client() { return try await ServerCall.run { try await self.run(on: client) } }
            let incident = try await store.openStore().apply(
                .transitioned(to: state, reason: hold, code: close, notes: notes), to: IncidentArgument.parse(number), actor: actor.actor)
            Console.out("\(incident.number) is now \(incident.state.title)")
        }

        /// The state, hold reason and close code, checked before anything is written or sent.
        private func parsed() throws -> (IncidentState, HoldReason?, CloseCode?) {
            guard let state = IncidentState(parsing: to) else {
                throw CLIError("unknown state '\(to)'; use one of: \(IncidentState.spellings)")
            }
            let hold = try reason.map { text in
                guard let reason = HoldReason(parsing: text) else {
                    throw CLIError("unknown hold reason '\(text)'; use one of: \(HoldReason.spellings)")
                }
                return reason
            }
            let close = try code.map { text in
                guard let code = CloseCode(parsing: text) else {
                    throw CLIError("unknown close code '\(text)'; use one of: \(CloseCode.spellings)")
                }
                return code
            }
            return (state, hold, close)
        }
    }

    /// `runbook incidents note`.
    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a work note to an incident's timeline.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var server: ServerOptions
        @OptionGroup var actor: ActorOption

        @Argument(help: ArgumentHelp("The incident, e.g. INC0000042.", valueName: "number"))
        var number: String

        @Argument(help: "The note.")
        var text: String

        func run() async throws {
            if let client = try server.client() { return try await ServerCall.run { try await self.run(on: client) } }
            let incident = try await store.openStore().apply(.noteAdded(text), to: IncidentArgument.parse(number), actor: actor.actor)
            Console.out("note added to \(incident.number)")
        }
    }

    /// `runbook incidents sweep`.
    struct Sweep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record SLA breaches that are due and close Resolved incidents whose wait is over.",
            discussion: "The server does this every minute; run it from cron when working with the CLI alone."
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var server: ServerOptions

        func run() async throws {
            if try server.client() != nil {
                throw ServerOptions.unavailable("incidents sweep", because: "the server sweeps every minute itself")
            }
            let changed = try await store.openStore().sweep()
            Console.out(changed.isEmpty ? "nothing due" : "updated " + changed.map(\.number.description).joined(separator: ", "))
        }
    }
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
