import ArgumentParser
import Executor
import Foundation
import ITIL
import RunbookAPI
import Runbooks

/// `trigger --server`: the alert goes to the server's `POST /api/v1/incidents`, which opens the
/// incident and starts the matching runbook; this follows the run's events and prints what the
/// in-process trigger prints.
extension TriggerCommand {
    /// How long the server may take to list the run it started on the new incident.
    private static let runAppears = Duration.seconds(60)

    func run(on client: HTTPClient) async throws {
        if dryRun {
            throw ServerOptions.unavailable(
                "trigger --dry-run", because: "it shows this machine's interpreters; run it without --server on a clone of the wiki")
        }
        actor.noteIgnoredAgainstServer()
        let labels = try LabelArguments.parse(labels)
        let annotations = try LabelArguments.parse(annotations, option: "--annotation")
        let runbooks = try await client.get(RunbookList.self, "/api/v1/runbooks")
        let broken = runbooks.runbooks.filter { !$0.errors.isEmpty }.map(\.path)
        if !broken.isEmpty {
            Console.note("not considered, they have errors (see runbook lint): " + broken.joined(separator: ", "))
        }
        let alert = AlertTrigger(labels: labels, annotations: annotations, summary: summary, source: "cli", key: dedupKey)
        let body = APIBody.NewIncident(
            shortDescription: Self.shortDescription(of: alert), labels: labels, annotations: annotations.isEmpty ? nil : annotations,
            dedupKey: dedupKey)
        let opened = try await client.openIncident(body)
        let incident = opened.incident
        if !opened.created {
            let count = incident.alerts.map(\.occurrences).max() ?? 0
            Console.out("\(incident.number) is already open for this alert (occurrence \(count)); nothing new runs")
            throw ExitCode.failure
        }
        if incident.workNotes.contains(where: { $0.text.hasPrefix("No runbook matches this alert") }) {
            try await reportNoMatch(incident, runbooks: runbooks, on: client)
        }
        var follower = RunFollower(client: client)
        let run = try await follower.follow(try await Self.firstRun(of: incident, on: client))
        let settled = try await client.incident(incident.number)
        Console.out("\(settled.number) is \(settled.state.title)")
        if run.state != .succeeded { throw ExitCode.failure }
    }

    /// What the in-process trigger makes the incident's one line: `--summary`, the summary
    /// annotation, else the alert name (the server would otherwise take the body's line as given).
    static func shortDescription(of alert: AlertTrigger) -> String {
        alert.shortDescription
    }

    /// The run the server starts for a new incident, once it is on record: its first event (`run-queued`, or
    /// `run-refused`) on the incident's event stream, which is opened before the incident is looked at again
    /// so that nothing falls between the two.
    private static func firstRun(of incident: Incident, on client: HTTPClient) async throws -> RunID {
        let events = try await client.events(EventQuery(incidents: [incident.number], withoutOutput: true))
        if let first = try await client.incident(incident.number).runs.first, let id = RunID(parsing: first),
           (try? await client.run(id)) != nil {
            return id
        }
        let waiting = Task {
            for try await message in events {
                if let run = message.run, let id = RunID(parsing: run) { return id }
            }
            try Task.checkCancellation()
            throw CLIError("the event stream of \(incident.number) ended before its run began")
        }
        let timer = Task {
            try await Task.sleep(for: runAppears)
            waiting.cancel()
        }
        defer { timer.cancel() }
        do {
            return try await waiting.value
        } catch is CancellationError {
            throw CLIError("the server opened \(incident.number) but started no run for it within \(runAppears); "
                + "see `runbook incidents show \(incident.number) --server ...`")
        }
    }

    /// The in-process report of an alert no runbook matches: the server's runbooks, judged here
    /// against the labels it recorded, say why each did not match.
    private func reportNoMatch(_ incident: Incident, runbooks: RunbookList, on client: HTTPClient) async throws -> Never {
        Console.out("opened \(incident.number): no runbook matches, so it stays New")
        var loaded: [Runbook] = []
        for entry in runbooks.runbooks where entry.errors.isEmpty {
            let id = entry.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? entry.id
            if let shown = try? await client.get(ShownRunbook.self, "/api/v1/runbooks/\(id)") { loaded.append(shown.runbook) }
        }
        for candidate in MatchDecision(labels: incident.labels, runbooks: loaded).candidates {
            Console.out("  \(candidate.runbook.id): \(candidate.reason)")
        }
        throw ExitCode.failure
    }
}
