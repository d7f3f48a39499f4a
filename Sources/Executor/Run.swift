import Foundation
import ITIL
import Wiki

/// A run of a runbook for an incident: the record kept in `runs/<n>/run.json` next to the
/// incident's record on the audit branch, rewritten by each of the run's events.
public struct Run: Sendable, Codable, Equatable {
    /// `INC0000042-1`.
    public var id: RunID
    /// The runbook's id and path, and the wiki commit it was read at: what ran is pinned.
    public var runbook: String
    public var runbookPath: String
    public var runbookCommit: ObjectID
    /// Where it is.
    public var state: RunState
    /// The parameters the steps got, as environment variables.
    public var parameters: [String: String]
    /// One per step of the runbook, in order.
    public var steps: [StepRecord]
    /// Who or what started it.
    public var actor: String
    /// Times.
    public var createdAt: Date
    public var endedAt: Date?
    /// Why it ended as it did, in a sentence (failed step and status, who canceled, ...).
    public var outcome: String?
    /// The process running it (`host:pid`), to tell a live run from an interrupted one.
    public var owner: String?

    /// Snake case spelled out: converting keys at encoding time cost more than the rest of the
    /// encoding, and the record is rewritten by every event of a run.
    enum CodingKeys: String, CodingKey {
        case id, runbook, state, parameters, steps, actor, outcome, owner
        case runbookPath = "runbook_path", runbookCommit = "runbook_commit", createdAt = "created_at", endedAt = "ended_at"
    }

    /// A queued run of `runbook` for its incident.
    public init(id: RunID, runbook: String, runbookPath: String, runbookCommit: ObjectID, parameters: [String: String],
                steps: [StepRecord], actor: String, createdAt: Date, owner: String?) {
        self.id = id
        self.runbook = runbook
        self.runbookPath = runbookPath
        self.runbookCommit = runbookCommit
        state = .queued
        self.parameters = parameters
        self.steps = steps
        self.actor = actor
        self.createdAt = createdAt
        self.owner = owner
    }
}

extension Run {
    /// Since when the run has waited for a person: the approval is asked for as the step before it ends (or the run
    /// starts), which the record keeps, unlike the request itself.
    public var awaitingApprovalSince: Date {
        steps.compactMap(\.endedAt).reduce(createdAt, max)
    }

    /// The step a run whose process stopped can be picked up at: a run that waited for a worker or for
    /// a person, with no step running. Nil for a run that was running a step (or between steps): what
    /// that step did is unknown, and it is interrupted, never re-run.
    public var resumePoint: Int? {
        guard state == .queued || state == .awaitingApproval, !steps.contains(where: { $0.state == .running }) else { return nil }
        return steps.firstIndex { $0.state == .pending || $0.state == .awaitingApproval } ?? steps.count
    }
}
