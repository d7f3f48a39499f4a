import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ITIL
import RunbookAPI
import RunbookServer
import Testing
import Wiki

/// `GET /api/v1/events` on a real port, read as an EventSource would: every commit as an event with its id,
/// the lines running steps print, and what a client missed while away replayed from `Last-Event-ID`.
@Suite("The event stream", .timeLimit(.minutes(1)))
struct EventStreamTests {
    /// Reads `stream` until `stop` says so; the messages read.
    private static func read(_ stream: AsyncThrowingStream<EventMessage, any Error>, until stop: ([EventMessage]) -> Bool) async throws
        -> [EventMessage] {
        var messages: [EventMessage] = []
        for try await message in stream {
            messages.append(message)
            if stop(messages) { break }
        }
        return messages
    }

    private static func client(_ tester: some TestClientProtocol, _ sandbox: ServerSandbox) throws -> HTTPClient {
        HTTPClient(baseURL: URL(string: "http://127.0.0.1:\(try #require(tester.port))")!, token: sandbox.secrets[.viewer]!)
    }

    /// The audit branch's events after `commit`, oldest first, as git has them.
    private static func commits(after commit: ObjectID?, in sandbox: ServerSandbox) throws -> [(id: String, event: String)] {
        var found: [(String, String)] = []
        try sandbox.repository.walkForward(after: commit, upTo: try #require(try sandbox.repository.branchHead("audit"))) { commit in
            found.append((commit.id.hex, commit.trailers.first { $0.key == "Event" }?.value ?? ""))
            return true
        }
        return found
    }

    private static func live() -> ServerSettings {
        var settings = ServerSettings()
        settings.port = 0
        return settings
    }

    @Test func everyCommitIsAnEventWithItsIdAndStepOutputComesLive() async throws {
        let sandbox = try ServerSandbox(pages: ["quick": Pages.quick], settings: Self.live())
        try await sandbox.server.application().test(.live) { tester in
            let events = try await Self.client(tester, sandbox).events(EventQuery())
            let opened = try await tester.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                                  body: body(Payloads.alertmanager()))
            #expect(opened.status == .ok)
            let messages = try await Self.read(events) { $0.last?.event == "transitioned" && $0.last?.state == "resolved" }
            let committed = messages.filter { $0.event != "output" }
            let history = try Self.commits(after: nil, in: sandbox)
            #expect(committed.map(\.id) == history.map(\.id), "one event per commit, in the branch's order, ids are commits")
            #expect(committed.map(\.event) == history.map(\.event))
            #expect(committed.first?.event == "opened" && committed.first?.incident == "INC0000001")
            let output = try #require(messages.first { $0.event == "output" })
            #expect(output.line?.contains("hello web-1") == true, "\(output)")
            #expect(output.run == "INC0000001-1" && output.step == "say-hello")
            #expect(output.id.contains(":"), "an output line's id is the commit before it and its number")
            let ended = try #require(committed.first { $0.event == "step-ended" })
            #expect(ended.exitCode == 0 && ended.runState == "running")
        }
    }

    @Test func aClientThatReconnectsWithTheLastEventIDGetsWhatItMissed() async throws {
        let sandbox = try ServerSandbox(settings: Self.live())
        try await sandbox.server.application().test(.live) { tester in
            let client = try Self.client(tester, sandbox)
            // Each incident no runbook matches is one event: opened, its record with the note that says so.
            let first = try await client.events(EventQuery(withoutOutput: true))
            for index in 1...3 { _ = try await Self.open("Disk \(index)", tester, sandbox) }
            let seen = try await Self.read(first) { $0.count == 3 }
            // Away (the stream is gone): more happens.
            for index in 4...6 { _ = try await Self.open("Disk \(index)", tester, sandbox) }
            let resumed = try await client.events(EventQuery(withoutOutput: true, after: FeedPosition(parsing: seen.last!.id)))
            let missed = try await Self.read(resumed) { $0.count == 3 }
            #expect(missed.map(\.incident) == ["INC0000004", "INC0000005", "INC0000006"])
            #expect(seen.map(\.id) + missed.map(\.id) == (try Self.commits(after: nil, in: sandbox)).map(\.id), "no gap, nothing twice")
        }
    }

    /// Older than the feed's memory: the replay comes from the audit history, and reads the same as live.
    @Test func aLastEventIDOlderThanMemoryIsReplayedFromTheAuditHistory() async throws {
        let sandbox = try ServerSandbox(settings: Self.live(), feedMemory: 2)
        try await sandbox.server.application().test(.live) { tester in
            let client = try Self.client(tester, sandbox)
            let live = try await client.events(EventQuery())
            for index in 1...12 { _ = try await Self.open("Disk \(index)", tester, sandbox) }
            let all = try await Self.read(live) { $0.count == 12 }
            let replay = try await client.events(EventQuery(after: FeedPosition(parsing: all[1].id)))
            let replayed = try await Self.read(replay) { $0.count == 10 }
            #expect(replayed == Array(all[2...]), "the same messages, from git")
            let everything = try await Self.read(try await client.events(EventQuery(after: FeedPosition(commit: nil, output: nil)))) {
                $0.count == 12
            }
            #expect(everything == all, "`-` replays the whole history")
            let seventh = EventQuery(incidents: [IncidentNumber(7)!], after: FeedPosition(parsing: all[0].id))
            let one = try await Self.read(try await client.events(seventh)) { $0.count == 1 }
            #expect(one.map(\.incident) == ["INC0000007"], "the filter applies to the replay too")
        }
    }

    @Test func aMalformedOrUnknownLastEventIDIsA400() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            _ = try await Self.open("Disk", client, sandbox)
            var headers = sandbox.auth(.viewer)
            headers[HTTPField.Name("Last-Event-ID")!] = "not an id"
            let malformed = try await client.execute(uri: "/api/v1/events", method: .get, headers: headers)
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorField == "Last-Event-ID")
            headers[HTTPField.Name("Last-Event-ID")!] = String(repeating: "ab", count: 20)
            let unknown = try await client.execute(uri: "/api/v1/events", method: .get, headers: headers)
            #expect(unknown.status == .badRequest)
            #expect(unknown.errorMessage?.contains("not an event of this audit branch") == true, "\(unknown.errorMessage ?? "")")
            let badIncident = try await client.execute(uri: "/api/v1/events?incident=42", method: .get, headers: sandbox.auth(.viewer))
            #expect(badIncident.errorField == "incident")
            let nobody = try await client.execute(uri: "/api/v1/events", method: .get)
            #expect(nobody.status == .unauthorized)
        }
    }

    /// A reader that never reads, or a thousand of them, never holds a writer up: a reader further behind than its
    /// buffer is dropped, and dropping them frees what they held.
    @Test func slowAndManySubscribersDoNotHoldUpWriters() async throws {
        let sandbox = try ServerSandbox()
        let store = sandbox.store
        let stuck = store.feed.subscribe(buffer: 16)
        var many = (0..<1000).map { _ in store.feed.subscribe(buffer: 64) }
        #expect(store.feed.subscriberCount == 1001)
        // Were a writer to wait for a reader, these would never return.
        for index in 0..<50 {
            _ = try await store.open(IncidentRequest(shortDescription: "load \(index)"), actor: "test")
        }
        #expect(stuck.overflowed, "the reader that never read was dropped")
        #expect(store.feed.subscriberCount == 1000)
        var read = 0
        while case .item = await many[0].next(timeout: .milliseconds(10)) { read += 1 }
        #expect(read == 50, "a reader keeping up got everything")
        many.removeAll()
        #expect(store.feed.subscriberCount == 0, "letting go of a subscription ends it")
    }

    /// A client that goes away mid-stream leaves nothing behind once the server next writes to it.
    @Test func aClientThatDisconnectsIsForgotten() async throws {
        let sandbox = try ServerSandbox(settings: Self.live())
        try await sandbox.server.application().test(.live) { tester in
            let before = sandbox.store.feed.subscriberCount
            do {
                let stream = try await Self.client(tester, sandbox).events(EventQuery())
                _ = try await Self.open("Disk 1", tester, sandbox)
                _ = try await Self.read(stream) { $0.count == 1 }
                #expect(sandbox.store.feed.subscriberCount == before + 1)
            }
            // The stream is let go of here: the server finds out when a write to the closed connection fails (the
            // first may still be taken by the kernel), at an event or at the next heartbeat.
            var writes = 0
            let forgotten = try await eventually(timeout: .seconds(10)) {
                writes += 1
                _ = try await Self.open("Disk \(writes + 1)", tester, sandbox)
                return sandbox.store.feed.subscriberCount == before
            }
            #expect(forgotten)
            #expect(writes < 10, "noticed within a few events")
        }
    }

    private static func open(_ summary: String, _ client: some TestClientProtocol, _ sandbox: ServerSandbox) async throws -> String {
        let response = try await client.execute(uri: "/api/v1/incidents", method: .post, headers: sandbox.auth(.responder),
                                                body: body(#"{"short_description": "\#(summary)"}"#))
        return response.json["number"] as? String ?? ""
    }
}
