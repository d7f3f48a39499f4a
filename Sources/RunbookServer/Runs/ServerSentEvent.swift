import Executor
import Foundation
import Hummingbird

/// The `text/event-stream` framing of run progress: `event: NAME` and one `data:` line of JSON.
enum ServerSentEvent {
    static func encode(_ progress: RunProgress) -> ByteBuffer {
        switch progress {
        case .queued(let run): encode("queued", run)
        case .started(let run): encode("started", run)
        case .stepStarted(let index, let step, let attempt): encode("step-started", StepEvent(index: index, step: step, attempt: attempt))
        case .output(let index, let line): encode("output", OutputEvent(index: index, line: line))
        case .stepEnded(let index, let step, let willRetry): encode("step-ended", StepEvent(index: index, step: step, willRetry: willRetry))
        case .awaitingApproval(let index, let step, _): encode("awaiting-approval", StepEvent(index: index, step: step))
        case .ended(let run): encode("run-ended", run)
        }
    }

    static func encode(_ name: String, _ value: some Encodable) -> ByteBuffer {
        // The response encoder writes one line: a newline would end the event's data early.
        let json = (try? JSONBody.encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ByteBuffer(string: "event: \(name)\ndata: \(json)\n\n")
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
