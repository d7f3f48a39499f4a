import Foundation
import TestReceivers
import Testing
@testable import Notify

@Suite("Retries and timeouts", .timeLimit(.minutes(1)))
struct RetryTests {
    @Test("A receiver that answers 500 twice then 200 gets the notification on the third attempt")
    func succeedsAfterRetries() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let notifier = quickNotifier(attempts: 3)
        let outcome = await notifier.deliver(samplePage(), to: .slack(url: receiver.url("/flaky")))
        await notifier.shutdown()
        #expect(outcome.succeeded)
        #expect(outcome.attempts == 3)
        #expect(outcome.detail == "HTTP 200")
        // Two backoffs: 50 ms, then 100 ms.
        #expect(outcome.duration >= .milliseconds(150))
        let requests = try receiver.recordedRequests()
        #expect(requests.count == 3)
        #expect(Set(requests.map(\.body)).count == 1, "every attempt sends the same body")
    }

    @Test("A receiver that always fails gives a failed outcome naming the last answer and the attempts")
    func failsAfterAllAttempts() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let notifier = quickNotifier(attempts: 3)
        let outcome = await notifier.deliver(samplePage(), to: .slack(url: receiver.url("/status/500")))
        await notifier.shutdown()
        #expect(!outcome.succeeded)
        #expect(outcome.detail == "HTTP 500 after 3 attempts")
        #expect(outcome.attempts == 3)
    }

    @Test("A client error is not retried: another attempt would get the same answer")
    func clientErrorIsPermanent() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let notifier = quickNotifier(attempts: 3)
        let outcome = await notifier.deliver(samplePage(), to: .ntfy(url: receiver.url("/status/404"), token: nil))
        await notifier.shutdown()
        #expect(!outcome.succeeded)
        #expect(outcome.detail == "HTTP 404")
        #expect(outcome.attempts == 1)
    }

    @Test("A receiver that hangs costs the attempt timeout, no more")
    func hangingReceiverTimesOut() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let notifier = quickNotifier(attempts: 2, timeout: .milliseconds(700))
        let outcome = await notifier.deliver(samplePage(), to: .webhook(url: receiver.url("/hang"), signingKey: nil, bodyTemplate: nil))
        await notifier.shutdown()
        #expect(!outcome.succeeded)
        #expect(outcome.detail == "timeout after 2 attempts")
        #expect(outcome.attempts == 2)
        #expect(outcome.duration >= .milliseconds(1400))
        // The receiver hangs for 30 s: well under that is the two timeouts, with room for a loaded machine.
        #expect(outcome.duration < .seconds(12))
    }

    @Test("A receiver that resets the connection is retried, then a failed outcome that says so")
    func connectionReset() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let notifier = quickNotifier(attempts: 3, timeout: .seconds(30))
        let outcome = await notifier.deliver(samplePage(), to: .webhook(url: receiver.url("/reset"), signingKey: nil, bodyTemplate: nil))
        await notifier.shutdown()
        #expect(!outcome.succeeded)
        #expect(outcome.attempts == 3)
        #expect(try receiver.recordedRequests().count == 3)
        #expect(outcome.detail == "connection reset after 3 attempts", "\(outcome.detail)")
        // Waiting would cost 30 s per attempt.
        #expect(outcome.duration < .seconds(15))
    }

    @Test("A closed port fails at once, without waiting for the timeout")
    func connectionRefused() async throws {
        let notifier = quickNotifier(attempts: 2, timeout: .seconds(30))
        let url = URL(string: "http://127.0.0.1:\(try closedPort())/hook")!
        let outcome = await notifier.deliver(samplePage(), to: .webhook(url: url, signingKey: nil, bodyTemplate: nil))
        await notifier.shutdown()
        #expect(!outcome.succeeded)
        #expect(outcome.attempts == 2)
        #expect(outcome.detail.contains("refused"), "\(outcome.detail)")
        // Waiting would cost 30 s per attempt.
        #expect(outcome.duration < .seconds(15))
    }

    @Test("A hanging receiver does not hold up a delivery to another one")
    func deliveriesAreIndependent() async throws {
        let receiver = try await ScriptServer.httpReceiver()
        defer { receiver.stop() }
        let notifier = quickNotifier(attempts: 1, timeout: .seconds(8))
        async let hanging = notifier.deliver(samplePage(), to: .slack(url: receiver.url("/hang")))
        try await Task.sleep(for: .milliseconds(100))
        let clock = ContinuousClock()
        let start = clock.now
        let quick = await notifier.deliver(samplePage(), to: .slack(url: receiver.url("/ok")))
        #expect(quick.succeeded)
        // Held up, it would wait for the other's 8 s timeout.
        #expect(clock.now - start < .seconds(5))
        #expect(await hanging.detail == "timeout")
        await notifier.shutdown()
    }

    @Test("A URL that is not HTTP is a failed outcome, not a crash or a throw")
    func unsupportedURL() async {
        let notifier = quickNotifier()
        let outcome = await notifier.deliver(samplePage(), to: .slack(url: URL(string: "file:///etc/passwd")!))
        await notifier.shutdown()
        #expect(!outcome.succeeded)
        #expect(outcome.attempts == 1)
    }

    @Test("Backoff doubles from the base delay up to the maximum")
    func backoff() {
        let policy = RetryPolicy(attempts: 6, baseDelay: .seconds(1), maximumDelay: .seconds(5))
        #expect((1...5).map { policy.delay(after: $0) } == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
    }
}
