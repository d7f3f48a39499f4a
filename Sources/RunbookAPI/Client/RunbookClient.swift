import Foundation
import Executor
import ITIL

/// What people do with incidents and runs, whether in this process or through a server: the CLI's
/// commands are written once against this, and `--server` only picks the implementation
/// (``LocalClient`` on the wiki's audit branch, ``HTTPClient`` on the REST API).
///
/// Every failure is an ``APIError``, the same from either side, so a mistake is reported alike.
/// Who acts is the client's: the name given to ``LocalClient``, the token's name on a server.
public protocol RunbookClient: Sendable {
    /// Who the audit trail will name as having acted.
    var actorName: String { get }

    /// Opens an incident, or adds an occurrence to the open one for the same alert.
    func openIncident(_ body: APIBody.NewIncident) async throws -> OpenedIncident
    /// A page of the incidents the query matches, newest first.
    func incidents(_ query: IncidentQuery) async throws -> IncidentPage
    func incident(_ number: IncidentNumber) async throws -> Incident
    func transition(_ number: IncidentNumber, _ body: APIBody.Transition) async throws -> Incident
    func note(_ number: IncidentNumber, _ text: String) async throws -> Incident
    /// Takes the incident up: the response (its SLA clock stops), a New incident moves to In Progress.
    func acknowledge(_ number: IncidentNumber) async throws -> Incident
    /// Acknowledges it for `duration` seconds: escalation starts over then if it is still open.
    func snooze(_ number: IncidentNumber, for duration: TimeInterval) async throws -> Incident
    /// Withdraws the acknowledgement: escalation starts over from its first level.
    func unacknowledge(_ number: IncidentNumber) async throws -> Incident

    /// A page of the runs the query matches, newest first.
    func runs(_ query: RunQuery) async throws -> RunPage
    func run(_ id: RunID) async throws -> Run
    /// The committed log of a step's last attempt.
    func log(of id: RunID, step: String) async throws -> String
    /// Approves or denies the step the run waits on, or asks to cancel it; the same again answers the same.
    func decide(_ id: RunID, _ verdict: Decision.Verdict, reason: String?) async throws -> DecisionReply

    /// Every event the query wants from now on (after replaying from `query.after`), until the stream is
    /// canceled or the subscriber falls too far behind.
    func events(_ query: EventQuery) async throws -> AsyncThrowingStream<EventMessage, any Error>
}

/// An incident a client opened, and whether it is new (else an occurrence was added to an open one).
public struct OpenedIncident: Sendable {
    public let incident: Incident
    public let created: Bool

    public init(incident: Incident, created: Bool) {
        self.incident = incident
        self.created = created
    }
}

extension RunbookClient {
    /// Every incident the query matches, oldest first, page after page.
    public func allIncidents(_ query: IncidentQuery) async throws -> [IncidentSummary] {
        var query = query
        var summaries: [IncidentSummary] = []
        while true {
            query.paging = Paging(limit: 500, offset: summaries.count)
            let page = try await incidents(query)
            summaries += page.incidents
            if page.incidents.isEmpty || summaries.count >= page.total { return summaries.reversed() }
        }
    }

    /// Every run the query matches, oldest first, page after page.
    public func allRuns(_ query: RunQuery) async throws -> [Run] {
        var query = query
        var runs: [Run] = []
        while true {
            query.paging = Paging(limit: 500, offset: runs.count)
            let page = try await self.runs(query)
            runs += page.runs
            if page.runs.isEmpty || runs.count >= page.total { return runs.reversed() }
        }
    }
}
