import Foundation
import ITIL
import Logging
@testable import RunbookServer
import Testing
import Wiki

/// The dashboard's index of each incident's audit commits agrees with git: what was on the branch before it started
/// and what the store commits after, in order.
@Suite("Incident timelines", .timeLimit(.minutes(1)))
struct IncidentTimelinesTests {
    @Test func theIndexHoldsWhatGitLogShowsForEachIncident() async throws {
        let sandbox = try ServerSandbox()
        let first = try await sandbox.store.open(IncidentRequest(shortDescription: "Disk full"), actor: "test").incident.number
        _ = try await sandbox.store.apply(.noteAdded("before the index"), to: first, actor: "test")
        let timelines = IncidentTimelines(store: sandbox.store, logger: Logger(label: "test"))
        #expect(timelines.commits(of: first) == nil, "not read yet")
        let running = Task { try await timelines.run() }
        defer { running.cancel() }
        let loaded = try await eventually(timeout: .seconds(5)) { timelines.commits(of: first) != nil }
        #expect(loaded)
        let second = try await sandbox.store.open(IncidentRequest(shortDescription: "CPU high"), actor: "test").incident.number
        _ = try await sandbox.store.apply(.noteAdded("after the index"), to: first, actor: "test")
        for number in [first, second] {
            let fromGit = try sandbox.repository.history("audit", path: IncidentRecordFile.folder(for: number)).map(\.id)
            #expect(timelines.commits(of: number)?.reversed() == fromGit, "\(number)")
        }
        #expect(timelines.commits(of: first)?.count == 3)
    }
}
