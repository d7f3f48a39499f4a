import Executor
import Foundation
import ITIL
@testable import RunbookServer
import Testing
import Wiki

/// A follower that comes late, even after the run ended, still sees every attempt in order.
struct RunFeedTests {
    private static func run(_ sequence: Int) -> Run {
        Run(id: RunID(incident: IncidentNumber(parsing: "INC0000001")!, sequence: sequence), runbook: "quick", runbookPath: "runbooks/quick.md",
            runbookCommit: ObjectID(hex: String(repeating: "a", count: 40))!, parameters: [:], steps: [], actor: "test", createdAt: Date(),
            owner: nil)
    }

    /// Publishes a run's whole life: queued, started, `lines` lines of output, ended.
    private static func live(_ run: Run, lines: Int, on feed: RunFeed) {
        feed.publish(.queued(run), of: run.id)
        feed.publish(.started(run), of: run.id)
        for line in 0..<lines { feed.publish(.output(index: 0, line: "line \(line)"), of: run.id) }
        feed.publish(.ended(run), of: run.id)
    }

    private static func drain(_ mailbox: Mailbox<RunProgress>) async -> [String] {
        var names: [String] = []
        while case .item(let event) = await mailbox.next(timeout: .seconds(1)) {
            switch event {
            case .started: names.append("started")
            case .output(_, let line): names.append(line)
            case .ended: names.append("ended")
            default: names.append("other")
            }
        }
        return names
    }

    @Test func aRunThatEndedAMomentAgoIsReplayedWhole() async {
        let feed = RunFeed()
        let run = Self.run(1)
        Self.live(run, lines: 2, on: feed)
        let (events, queued) = feed.subscribe(run.id)
        #expect(queued?.id == run.id)
        #expect(await Self.drain(events) == ["started", "line 0", "line 1", "ended"])
    }

    @Test func endedRunsAreForgottenOldestFirstPastTheLimit() async {
        let feed = RunFeed()
        let (old, recent) = (Self.run(1), Self.run(2))
        Self.live(old, lines: RunFeed.kept / 2, on: feed)
        Self.live(recent, lines: RunFeed.kept / 2, on: feed)
        let forgotten = feed.subscribe(old.id)
        #expect(forgotten.queued == nil, "past the limit the oldest run's stream is its record")
        #expect(await Self.drain(forgotten.events).isEmpty)
        let kept = feed.subscribe(recent.id)
        #expect(kept.queued?.id == recent.id)
        #expect(await Self.drain(kept.events).count == RunFeed.kept / 2 + 2)
    }
}
