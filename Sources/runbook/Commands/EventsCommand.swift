import ArgumentParser
import Foundation
import ITIL
import RunbookAPI

/// `runbook events`: every incident and run event as it happens, one line each, until interrupted.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Follow incident and run events as they happen (Ctrl-C stops).",
        discussion: """
            Each line is one audit commit (opened, transitioned, step-ended ...) or, from a server, a line a running \
            step printed. In-process it follows the wiki's audit branch, also what other processes commit to it; \
            with --server it follows GET /api/v1/events. --after replays what came after an event id first \
            (`-` replays everything).
            """
    )

    @OptionGroup var api: ClientOptions

    @Option(name: .customLong("incident"), help: ArgumentHelp("Only this incident's events (repeat for more).", valueName: "number"))
    var incidents: [String] = []

    @Flag(help: "Leave out the lines steps print.")
    var noOutput = false

    @Option(help: ArgumentHelp("Replay the events after this id first (an event's id, or - for all).", valueName: "id"))
    var after: String?

    @Option(help: ArgumentHelp("Stop after this many events.", valueName: "n"))
    var count: Int?

    @Flag(help: "Print each event as a line of JSON.")
    var json = false

    func validate() throws {
        for number in incidents where IncidentNumber(parsing: number) == nil {
            throw ValidationError("'\(number)' is not an incident number (INC followed by 7 digits)")
        }
        if let after, FeedPosition(parsing: after) == nil {
            throw ValidationError("--after '\(after)' is not an event id (a commit id, COMMIT:N, or -)")
        }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        var query = EventQuery(
            incidents: incidents.isEmpty ? nil : Set(incidents.compactMap { IncidentNumber(parsing: $0) }), withoutOutput: noOutput,
            after: after.flatMap { FeedPosition(parsing: $0) })
        try await ClientCall.run {
            let client = try api.client()
            // In-process, the store hears other processes' commits only while something follows the branch.
            let follower = (client as? LocalClient).map { AuditFollower(store: $0.store) }
            defer { follower?.stop() }
            var seen = 0
            // A server that stops (or restarts) ends the stream: follow on from the last event, as EventSource does.
            while true {
                do {
                    for try await message in try await client.events(query) {
                        Console.out(json ? try Self.line(json: message) : Self.line(message))
                        query.after = FeedPosition(parsing: message.id)
                        seen += 1
                        if let count, seen >= count { return }
                    }
                } catch let error as TransportError where client is HTTPClient {
                    Console.note("\(error); trying again in a second")
                } catch let error as APIError where error.code == "fell_behind" {
                    Console.note("fell behind the events; following on after \(query.after?.description ?? "the start")")
                    continue
                }
                guard client is HTTPClient else { return }
                Console.note("the server ended the event stream; following on after \(query.after?.description ?? "its start")")
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// `2026-12-03T07:00:12.000Z INC0000001 transitioned by bob: New -> In Progress [3f2a9c1…]`, with the
    /// whole id, which `--after` takes.
    static func line(_ message: EventMessage) -> String {
        if message.event == "output" {
            return "\(message.run ?? message.incident) [\((message.index ?? 0) + 1)] \(message.step ?? "?") | "
                + Console.printable(message.line ?? "")
        }
        let time = message.time.map(Timestamp.format) ?? "-"
        let subject = message.subject.map { $0.hasPrefix(message.incident + ": ") ? String($0.dropFirst(message.incident.count + 2)) : $0 } ?? ""
        return "\(time) \(message.incident) \(message.event) by \(Console.printable(message.actor ?? "?")): \(Console.printable(subject))"
            + " [\(message.id)]"
    }

    static func line(json message: EventMessage) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return String(decoding: try encoder.encode(message), as: UTF8.self)
    }
}
