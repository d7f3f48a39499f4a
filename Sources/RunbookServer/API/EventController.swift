import HTTPTypes
import Hummingbird
import ITIL
import RunbookAPI
import ServiceLifecycle

/// `GET /api/v1/events`: Server-Sent Events of every incident and run event (or one incident's, with
/// `?incident=`), each with its id; a client reconnecting with `Last-Event-ID` gets what it missed
/// first, from memory or from the audit history.
struct EventController: Sendable {
    let store: IncidentStore

    func register(on api: RouterGroup<ServerContext>) {
        api.group("events", role: .viewer).get { request, _ in try await events(request) }
    }

    private func events(_ request: Request) async throws -> Response {
        let query = try EventQuery(request.query, lastEventID: request.headers[.lastEventID])
        // Made before the response starts, so an unknown Last-Event-ID is a 400, not a broken stream.
        let cursor = try await EventCursor(store: store, query: query)
        let body = ResponseBody { writer in
            // Tells EventSource how soon to reconnect, and opens the stream at once.
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            // A server shutting down ends the stream (the client reconnects to the next one with its last id).
            try await withTaskCancellationOrGracefulShutdownHandler {
                loop: while true {
                    switch try await cursor.next(timeout: ServerSentEvent.heartbeatInterval) {
                    case .message(let message): try await writer.write(ServerSentEvent.encode(message))
                    case .timedOut: try await writer.write(ServerSentEvent.heartbeat)
                    case .ended: break loop
                    }
                }
            } onCancelOrGracefulShutdown: {
                cursor.stop()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: ServerSentEvent.headers, body: body)
    }
}

extension HTTPField.Name {
    /// What an EventSource sends back when it reconnects: the id of the last event it got.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
