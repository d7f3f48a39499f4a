import ArgumentParser
import Foundation
import ITIL
import RunbookServer

/// The incident commands against a server (`--server`): the same output as in-process, through the REST API.
extension IncidentsCommand.Open {
    /// `POST /api/v1/incidents`; the server also starts the runbook that matches.
    func run(on client: APIClient) async throws {
        actor.noteIgnoredAgainstServer()
        let body = APIBody.NewIncident(
            shortDescription: summary, description: description.isEmpty ? nil : description,
            labels: labels.isEmpty ? nil : try LabelArguments.parse(labels), dedupKey: dedupKey, impact: impact, urgency: urgency,
            service: service, category: category)
        let (incident, status) = try await client.post(Incident.self, "/api/v1/incidents", body: body)
        if json { return try Console.json(incident, encoder: IncidentRecordFile.makeJSONEncoder()) }
        if status == 201 {
            Console.out("opened \(incident.number) (P\(incident.priority.rawValue) \(incident.priority.title)): "
                + Console.printable(incident.shortDescription))
        } else {
            let count = incident.alerts.map(\.occurrences).max() ?? 0
            Console.out("\(incident.number) is open for this alert: occurrence \(count) added")
        }
    }
}

extension IncidentsCommand.List {
    /// `GET /api/v1/incidents`, every page, oldest first as in-process; `--json` reads each full record.
    func run(on client: APIClient) async throws {
        let summaries = try await Self.summaries(state: state, priority: priority, on: client)
        if json {
            var incidents: [Incident] = []
            for summary in summaries { incidents.append(try await client.get(Incident.self, "/api/v1/incidents/\(summary.number)")) }
            return try Console.json(incidents, encoder: IncidentRecordFile.makeJSONEncoder())
        }
        Console.out(IncidentText.table(summaries.map { summary in
            IncidentText.Row(number: summary.number, state: IncidentState(rawValue: summary.state)?.title ?? summary.state,
                             priority: summary.priority, openedAt: summary.openedAt, summary: summary.shortDescription)
        }))
    }

    /// The matching incidents, oldest first (the API pages newest first, at most 500 at a time).
    static func summaries(state: String?, priority: Int?, on client: APIClient) async throws -> [APIReply.IncidentSummary] {
        var summaries: [APIReply.IncidentSummary] = []
        while true {
            let page = try await client.get(APIReply.IncidentPage.self, "/api/v1/incidents", query: [
                "state": state, "priority": priority.map(String.init), "limit": "500", "offset": String(summaries.count),
            ])
            summaries += page.incidents
            if page.incidents.isEmpty || summaries.count >= page.total { return summaries.reversed() }
        }
    }
}

extension IncidentsCommand.Show {
    /// `GET /api/v1/incidents/{number}`.
    func run(on client: APIClient) async throws {
        let incident = try await client.get(Incident.self, "/api/v1/incidents/\(try IncidentArgument.parse(number))")
        if json { return try Console.json(incident, encoder: IncidentRecordFile.makeJSONEncoder()) }
        Console.out(IncidentText.detail(incident))
    }
}

extension IncidentsCommand.Transition {
    /// `POST /api/v1/incidents/{number}/transition`; the server records the token's name as the actor.
    func run(on client: APIClient) async throws {
        actor.noteIgnoredAgainstServer()
        let body = APIBody.Transition(state: to, holdReason: reason, closeCode: code, closeNotes: notes)
        let (incident, _) = try await client.post(Incident.self, "/api/v1/incidents/\(try IncidentArgument.parse(number))/transition", body: body)
        Console.out("\(incident.number) is now \(incident.state.title)")
    }
}

extension IncidentsCommand.Note {
    /// `POST /api/v1/incidents/{number}/notes`.
    func run(on client: APIClient) async throws {
        actor.noteIgnoredAgainstServer()
        let (incident, _) = try await client.post(Incident.self, "/api/v1/incidents/\(try IncidentArgument.parse(number))/notes",
                                                  body: APIBody.Note(text: text))
        Console.out("note added to \(incident.number)")
    }
}
