import Executor
import Foundation
import Hummingbird
import ITIL
import RunbookAPI
import ServiceLifecycle

/// `/api/v1/runs`: the list, one run with its steps, a step's committed log, the run's live event
/// stream, and the decisions people make (approve, deny, cancel).
struct RunController: Sendable {
    let registry: RunRegistry
    let feed: RunFeed
    let settings: ServerSettings

    func register(on api: RouterGroup<ServerContext>) {
        api.group("runs", role: .viewer)
            .get { request, context in try await client(context).runs(RunQuery(request.query)) }
            .get("{id}") { _, context in try await client(context).run(context.runID()) }
            // Step output is attacker-influenced text; nosniff keeps a browser from taking it for HTML.
            .get("{id}/steps/{step}/log") { _, context in
                let text = try await client(context).log(of: context.runID(), step: context.path("step"))
                return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .xContentTypeOptions: "nosniff"],
                                body: .init(byteBuffer: ByteBuffer(string: text)))
            }
            .get("{id}/events") { _, context in try await events(context) }
        api.group("runs", role: .approver)
            .post("{id}/approve") { request, context in try await decide(request, context, .approve) }
            .post("{id}/deny") { request, context in try await decide(request, context, .deny) }
        api.group("runs", role: .responder)
            .post("{id}/cancel") { request, context in
                EditedResponse(status: .accepted, response: try await decide(request, context, .cancel))
            }
    }

    private func client(_ context: ServerContext) throws -> LocalClient {
        LocalClient(registry: registry, actor: try context.actor().name)
    }

    /// Approve and deny need the approver role, cancel a responder; the body (`{"reason"}`) may be left out.
    private func decide(_ request: Request, _ context: ServerContext, _ verdict: Decision.Verdict) async throws -> DecisionReply {
        let id = try context.runID()
        let bytes = try await JSONBody.bytes(of: request, limit: settings.bodyLimit)
        let body = bytes.readableBytes == 0 ? APIBody.Reason(reason: nil) : try JSONBody.decode(APIBody.Reason.self, from: Data(bytes.readableBytesView))
        return try await client(context).decide(id, verdict, reason: body.reason)
    }

    // MARK: - Events

    /// The live progress of a run this server executes, until it ends.
    private static func relay(_ live: Mailbox<RunProgress>, to writer: inout any ResponseBodyWriter) async throws {
        while true {
            switch await live.next(timeout: ServerSentEvent.heartbeatInterval) {
            case .item(let event): try await writer.write(ServerSentEvent.encode(event))
            case .timedOut: try await writer.write(ServerSentEvent.heartbeat)
            case .ended: return
            }
        }
    }

    /// A run another process executes, through its committed events: its record after each, then its end.
    private static func follow(_ id: RunID, from initial: Run, _ committed: FeedSubscription, _ registry: RunRegistry,
                               to writer: inout any ResponseBodyWriter) async throws {
        var last = initial
        while !last.state.isFinal {
            switch await committed.next(timeout: ServerSentEvent.heartbeatInterval) {
            case .item:
                let next = try await registry.run(id)
                if next != last { try await writer.write(ServerSentEvent.encode("run", next)) }
                last = next
            case .timedOut: try await writer.write(ServerSentEvent.heartbeat)
            case .ended: return
            }
        }
        try await writer.write(ServerSentEvent.encode("run-ended", last))
    }

    /// Server-Sent Events: for a run this server executes, `run` (the record as it was queued, or taken over)
    /// and every event since, then as they come: `step-started`, `output` (one per line of the running step),
    /// `step-ended`, `awaiting-approval`, and `run-ended` with the final record (`run-suspended` when a shutdown
    /// leaves it waiting). A run another process executes is followed through its committed events: `run`, the
    /// record as it stands, again after each.
    private func events(_ context: ServerContext) async throws -> Response {
        let id = try context.runID()
        // The run as it was queued and its progress since, then live, when this server executes it.
        let (live, now) = feed.subscribe(id)
        let local = now != nil
        // Subscribed before the record is read, so nothing committed in between is missed.
        let committed = registry.store.feed.subscribe(buffer: 256) { item in
            if case .committed(let event) = item { return event.run == id }
            return false
        }
        let initial: Run
        if let now { initial = now } else { initial = try await client(context).run(id) }
        let registry = registry
        let body = ResponseBody { writer in
            // A server shutting down ends the stream: the run goes on (or waits) for the next server.
            try await withTaskCancellationOrGracefulShutdownHandler {
                try await writer.write(ServerSentEvent.encode("run", initial))
                if local {
                    try await Self.relay(live, to: &writer)
                } else {
                    try await Self.follow(id, from: initial, committed, registry, to: &writer)
                }
            } onCancelOrGracefulShutdown: {
                live.close()
                committed.cancel()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: ServerSentEvent.headers, body: body)
    }
}
