import Foundation
import ITIL
import StoreTestSupport
import Testing
import Wiki

/// A writer killed with SIGKILL in the middle of writing: the repository stays valid, every acknowledged open
/// survives, and the next writer carries on.
@Suite(.timeLimit(.minutes(1)))
struct KillTests {
    /// Rounds of: a child process opens incidents, is killed once it has acknowledged `acknowledgedPerRound`
    /// (plus a random few milliseconds, so each round dies at a different moment of a batch), then the repository
    /// is checked and written by a new store.
    @Test func aWriterKilledMidWriteLosesNothingItAcknowledged() async throws {
        let audit = try TemporaryAudit()
        let acknowledgedPerRound = 200
        var acknowledged = Set<IncidentNumber>()
        for round in 1...3 {
            let soak = try SoakProcess(repository: audit.path, concurrency: 16)
            let outcome = await soak.killAfter(
                acknowledging: acknowledgedPerRound, delay: .milliseconds(Int.random(in: 0..<40)), deadline: .seconds(10))
            try #require(outcome.killed, "round \(round): the writer exited by itself: \(outcome.errors)")
            try #require(outcome.acknowledged.count >= acknowledgedPerRound, "round \(round): \(outcome.errors)")
            #expect(outcome.strayLines.isEmpty, "round \(round): \(outcome.strayLines.prefix(3))")
            #expect(Set(outcome.acknowledged).isDisjoint(with: acknowledged), "round \(round): a number was handed out twice")
            acknowledged.formUnion(outcome.acknowledged)

            let fsck = try audit.git(["fsck", "--strict"])
            #expect(fsck.status == 0, "round \(round): git fsck --strict failed:\n\(fsck.output)")

            let store = try audit.otherStore()
            let numbers = Set(store.incidents().map(\.number))
            let lost = acknowledged.subtracting(numbers)
            #expect(lost.isEmpty, "round \(round): acknowledged but gone after restart: \(lost.sorted().prefix(10))")
            let highest = numbers.max()?.value ?? 0
            #expect(numbers.count == highest, "round \(round): numbers have gaps (\(numbers.count) incidents up to \(highest))")

            // The killed writer may have left the branch's lock file behind; the next writer waits it out (~1 s).
            let next = try await store.open(.alert("after-kill-\(round)"), actor: "test")
            #expect(next.created)
            #expect(next.incident.number.value == highest + 1)
            acknowledged.insert(next.incident.number)
        }
    }
}
