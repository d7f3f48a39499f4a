import Executor
import Foundation
import ITIL
import Testing
import Wiki

/// The run index: every run in memory, kept current by the store's feed, paged newest first without sorting.
@Suite(.timeLimit(.minutes(1)))
struct RunIndexTests {
    static let quick = """
        ---
        title: Quick
        match:
          - alertname="Test"
        ---
        # Quick

        ## Step

        ```sh {id=step}
        true
        ```
        """

    @Test func pagesAreNewestFirstByStateAndByIncidentAndFollowNewRuns() async throws {
        let sandbox = try ExecutorSandbox()
        let library = try sandbox.library(["quick": Self.quick])
        for index in 0..<4 {
            _ = try await sandbox.launcher.trigger(AlertTrigger(labels: ["alertname": "Test", "n": "\(index)"]), library: library, actor: "test")
        }
        let index = try RunIndex(store: sandbox.store)
        let all = index.page(offset: 0, limit: 10, where: nil)
        #expect(all.total == 4)
        #expect(all.runs.map(\.id.description) == ["INC0000004-1", "INC0000003-1", "INC0000002-1", "INC0000001-1"])
        #expect(index.page(offset: 1, limit: 2, where: nil).runs.map(\.id.description) == ["INC0000003-1", "INC0000002-1"])
        #expect(index.page(of: IncidentNumber(2)!, offset: 0, limit: 10, where: nil).runs.map(\.id.description) == ["INC0000002-1"])
        #expect(index.page(of: IncidentNumber(9)!, offset: 0, limit: 10, where: nil).total == 0)
        #expect(index.page(offset: 0, limit: 10) { $0.state == .failed }.total == 0)

        // A run made after the index was built is in it by the time its trigger returns.
        _ = try await sandbox.launcher.trigger(AlertTrigger(labels: ["alertname": "Test", "n": "later"]), library: library, actor: "test")
        #expect(index.page(offset: 0, limit: 1) { $0.state == .succeeded }.runs.first?.id.description == "INC0000005-1")
        #expect(index.run(RunID(parsing: "INC0000005-1")!)?.state == .succeeded)
    }
}
