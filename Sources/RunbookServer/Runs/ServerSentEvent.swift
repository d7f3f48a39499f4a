import Executor
import Foundation
import Hummingbird
import RunbookAPI

/// The `text/event-stream` framing: `id:`, `event: NAME` and one `data:` line of JSON, and the comment
/// line that keeps a quiet stream open.
enum ServerSentEvent {
    /// Sent when nothing happened for this long: the connection's idle timeout (30 s) would close it.
    static let heartbeatInterval: Duration = .seconds(15)

    /// A comment line: clients ignore it, and it keeps proxies and the idle timeout from closing the stream.
    static let heartbeat = ByteBuffer(string: ": keep-alive\n\n")

    /// The headers of an event stream.
    static let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]

    static func encode(_ progress: RunProgress) -> ByteBuffer {
        switch progress {
        case .queued(let run): encode("queued", run)
        case .started(let run): encode("started", run)
        case .stepStarted(let index, let step, let attempt): encode("step-started", StepEvent(index: index, step: step, attempt: attempt))
        case .output(let index, let line): encode("output", OutputEvent(index: index, line: line))
        case .stepEnded(let index, let step, let willRetry): encode("step-ended", StepEvent(index: index, step: step, willRetry: willRetry))
        case .awaitingApproval(let index, let step, _): encode("awaiting-approval", StepEvent(index: index, step: step))
        case .ended(let run): encode("run-ended", run)
        case .suspended(let run): encode("run-suspended", run)
        }
    }

    /// An event of `GET /api/v1/events`, with its id for `Last-Event-ID`.
    static func encode(_ message: EventMessage) -> ByteBuffer {
        encode(message.event, message, id: message.id)
    }

    static func encode(_ name: String, _ value: some Encodable, id: String? = nil) -> ByteBuffer {
        // The response encoder writes one line: a newline would end the event's data early.
        let json = (try? JSONBody.encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ByteBuffer(string: (id.map { "id: \($0)\n" } ?? "") + "event: \(name)\ndata: \(json)\n\n")
    }

    struct StepEvent: Encodable {
        let index: Int
        let step: StepRecord
        var attempt: Int?
        var willRetry: Bool?

        enum CodingKeys: String, CodingKey {
            case index, step, attempt
            case willRetry = "will_retry"
        }
    }

    struct OutputEvent: Encodable {
        let index: Int
        let line: String
    }
}
